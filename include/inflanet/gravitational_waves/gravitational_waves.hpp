#pragma once
/// \file
/// \brief Gravitational waves sourced by the lattice's scalar fields: the tensor perturbation h_ij of each
/// Fourier mode, evolved as its two polarisations with the exact TT projection of the fields' stress.
///
/// ## Physics (program units; M_p the reduced Planck mass in field units, 1 unless a scale is given)
/// Metric ds^2 = -dt^2 + a^2 (delta_ij + h_ij) dx^i dx^j, h_ii = 0 = d_i h_ij (transverse, traceless). The
/// fields' anisotropic stress is Pi_ij = sum over the source fields of d_i phi d_j phi (comoving derivatives;
/// its trace part and the delta_ij p part of T_ij drop out under the TT projection). Expanding the Einstein
/// equations to first order in h,
///   h_ij'' + 3H h_ij' - lap h_ij / a^2 = (2 / (M_p^2 a^2)) Pi_ij^TT          (' = d/dt, cosmic time),
/// and in alpha-time (dt = a^alpha d eta, script-H = (1/a) da/d eta = a^alpha H):
///   d^2h/d eta^2 + (3 - alpha) script-H dh/d eta - a^(2 alpha - 2) lap h = (2 a^(2 alpha - 2) / M_p^2)
///   Pi^TT.
/// Each polarisation amplitude h_A(k) (TT projector: tt_projector.hpp) obeys the equation of a massless
/// scalar mode with a source S_A = (2 / (M_p^2 a^2)) Pi_A, Pi_A = e^A_ij Pi~_ij(k). So the sector uses the
/// lattice's own canonical variables and flows (FieldLattice): momentum p_A = a^alpha dh_A/dt (fixed
/// background) or a^3 dh_A/dt (Friedmann), the same friction flow, the same drift (length, and damping for
/// alpha > 0 in de Sitter: FieldLattice::last_drift), and the kick
///   p_A <- A p_A - B (G |k|^2 h_A - M (2 / (M_p^2 a^2)) Pi_A),   (G, M) = FieldLattice::kick_factors(),
/// so it advances inside every composition of the integrator family (orders 1-6) and every background
/// (fixed, alpha-time, Friedmann): the drift and kick are exact flows of the split of (fields + h), and
/// the waves are passive (they act neither on the fields nor on a). Stored: h_A and p_A as DFT coefficients
/// (f~ = sum_x f(x) e^{-ik.x}), in Fields in Fourier space on the lattice's transposed slab.
///
/// Energy density (Isaacson; box average, Parseval with the unnormalised DFT):
///   rho_GW = (M_p^2 / 4) <dh_ij/dt dh_ij/dt> = (M_p^2 / (4 N^6)) sum_n w_n sum_A |dh~_A/dt|^2,
/// w_n the Hermitian weight of the stored half space. Its spectrum per shell b of |n| (PowerSpectrum's
/// bins, width dk):
///   (d rho_GW / d ln k)_b = (k_b / dk) rho_b,   rho_b = the part of the sum above from shell b,
/// so that sum_b (dk / k_b) (d rho_GW / d ln k)_b = rho_GW (Parseval: the same numbers summed in another
/// order; a consistency check of the binning and weights, not of the physics).
///
/// ## Why two polarisations per mode, and not an unprojected u_ij (measured: bench/gravitational_waves.cpp)
/// Both methods need the same transforms per force evaluation: per source field one r2c of phi and three
/// c2r for its gradients, then six r2c of Pi_ij (transforms_per_force: 14 for two fields, 7 pairs). They
/// differ in the state: u_ij and its momentum are 12 complex half-space arrays (12 doubles per site), the
/// two polarisations 4; with the 9 work arrays both need (3 gradients, 6 stress components) that is 21
/// against 13 padded arrays per site, and the polarisations add the per-mode vectors u, v of each mode's
/// basis (six doubles per stored mode, 3 padded arrays' worth: basis_arrays), so that the kick builds e^A
/// without square roots: 16 arrays, 130 bytes per site here, against 171. Measured at 128^3 (this 2-core
/// machine, shared by other builds, so +-15%; two source fields; `mpirun -np P
/// build/bench/bench_gravitational_waves 128`): one FFT pair 17.8 ms, the fields' leapfrog step 54.9 ms,
/// the step with the waves 263.8 ms, so the sector costs 209 ms = 1.68 times its 7 pairs on one rank (272
/// ms = 1.82 on two), down from 300 ms = 2.57 (422 ms = 2.32) when the kick rebuilt e^A per mode, ran twice
/// across a step boundary and each gradient copied the Fourier slab. Of the 209 ms the stress takes 179 (its
/// 14 transforms 124 ms; the rest is the copy of phi, the i k multiplications and the products pass), the
/// k-space kick 28 (13 ms for the same update of six unprojected components), the drift 3. The target
/// (sector <= 1.2 x its pairs) is not met: what is left beyond the transforms is mostly the stress's
/// real-space passes over 9 to 15 arrays per source, and two of the 14 transforms (the r2c of each phi)
/// repeat ones the fields' own force makes.
/// ## Modes
/// k = 0 and (even N) the Nyquist planes carry no tensor mode (tt_projector.hpp): their h, p and source are
/// zero and stay zero.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/gravitational_waves/tt_projector.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet {

/// \brief The kick's force on each polarisation, F_A = gradient |k|^2 h~_A - source Pi~_A (|k| comoving,
/// Pi~_A = e^A_ij Pi~_ij the DFT of the stress projected on e^A).
struct TensorForce {
  double gradient = 1.0;
  double source = 0.0;
};

/// \brief The gravitational-wave sector of one lattice (see the file comment). Collective where it says so.
class GravitationalWaves {
public:
  /// \brief Polarisations, in storage order.
  enum Polarisation { plus = 0, cross = 1 };

  /// \brief Waves on `operators`' lattice sourced by the fields with indices `sources` (FieldLattice's
  /// order), with the reduced Planck mass `planck_mass` in field units. h = 0, dh/dt = 0.
  /// \throws InputError for no source or planck_mass <= 0.
  GravitationalWaves(SpectralOperators& operators, std::vector<std::size_t> sources,
                     double planck_mass = 1.0);

  [[nodiscard]] const std::vector<std::size_t>& sources() const noexcept { return sources_; }
  [[nodiscard]] double planck_mass() const noexcept { return planck_mass_; }

  /// \brief h~_A and its momentum p~_A (DFT coefficients, Fourier space).
  [[nodiscard]] Field& amplitude(int polarisation) noexcept { return h_[polarisation]; }
  [[nodiscard]] const Field& amplitude(int polarisation) const noexcept { return h_[polarisation]; }
  [[nodiscard]] Field& momentum(int polarisation) noexcept { return p_[polarisation]; }
  [[nodiscard]] const Field& momentum(int polarisation) const noexcept { return p_[polarisation]; }
  /// \brief The DFT of the stress component c (SymmetricTensor order), as the next kick uses it: set by
  /// compute_stress, or written directly (a prescribed source) and then marked with set_space(fourier).
  [[nodiscard]] Field& stress(int component) noexcept { return stress_[component]; }

  /// \brief Pi_ij = sum over the source fields of d_i phi d_j phi (spectral gradients), transformed: the
  /// source of the kicks until the fields move. Collective; transforms_per_force() transforms.
  void compute_stress(FieldLattice& fields);
  /// \brief h <- h + length p, then p <- damping p (the lattice's last drift).
  void drift(const FieldLattice::DriftFlow& flow);
  /// \brief p_A <- A p_A - B F_A with the stress held now (B == 0 does not read it).
  void kick(double A, double B, const TensorForce& force);
  /// \brief kick(A, B, force) then kick(A_next, B_next, force) in one pass (the same numbers): the two
  /// half kicks across a step boundary, where the force does not change.
  void kick_across(double A, double B, double A_next, double B_next, const TensorForce& force);
  /// \brief The force of the lattice's current state: gradient and mass factor of FieldLattice, times
  /// 2 / (M_p^2 a^2) for the source.
  [[nodiscard]] TensorForce force(const FieldLattice& fields) const;

  /// \brief The real-space component c (SymmetricTensor order) of h_ij = sum_A e^A_ij h_A into `out`
  /// (collective: one c2r).
  void tensor_component(int component, Field& out) const;

  /// \brief rho_GW = (M_p^2 / 4) <dh_ij/dt dh_ij/dt>, with dh/dt = velocity_factor * p (collective).
  [[nodiscard]] double energy_density(double velocity_factor) const;
  /// \brief (d rho_GW / d ln k) per shell of `spectrum` (the file comment's normalisation; 0 in bin 0).
  /// Collective.
  [[nodiscard]] std::vector<double> energy_spectrum(const PowerSpectrum& spectrum,
                                                    double velocity_factor) const;

  /// \brief Transforms per stress evaluation: 4 per source field and 6 for the stress.
  [[nodiscard]] static int transforms_per_force(std::size_t source_fields) noexcept {
    return 4 * static_cast<int>(source_fields) + 6;
  }
  /// \brief Padded arrays the sector holds: 4 state (h, p per polarisation) and 9 work (3 gradients, 6
  /// stress components).
  static constexpr int arrays = 13;
  /// \brief Padded arrays' worth of the per-mode polarisation vectors u, v (six doubles per stored mode, as
  /// three complex arrays): the kick builds e^A from them without square roots.
  static constexpr int basis_arrays = 3;
  /// \brief Bytes of the sector (arrays + basis_arrays padded arrays) on the largest rank of an N^3 lattice
  /// over `ranks` ranks.
  [[nodiscard]] static double bytes_per_rank(std::ptrdiff_t n, int ranks) noexcept;

private:
  SpectralOperators* operators_;
  std::vector<std::size_t> sources_;
  double planck_mass_;
  std::array<Field, 2> h_, p_;
  std::array<Field, 3> gradient_;
  std::array<Field, 6> stress_;
  std::vector<PolarisationVectors> basis_; // per stored mode, zero where has_tensor_modes is false
};

} // namespace inflanet
