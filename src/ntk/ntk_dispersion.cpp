#include "inflanet/ntk/ntk_dispersion.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet {
namespace {

void check_lattice(std::ptrdiff_t m, double length) {
  if (m < 1) {
    throw InputError(fmt::format("NTK dispersion: sub-lattice side M must be >= 1, got {}", m));
  }
  if (!(length > 0.0) || !std::isfinite(length)) {
    throw InputError(fmt::format("NTK dispersion: box side L must be finite and > 0, got {}", length));
  }
}

/// Runs `per_row(i, G, phase)` for every row i in [r0, r1): G is the row's transposed half-space FFT
/// (G[idx] = G_i(k) at mode idx), phase(idx) = e^{-i k.x_i}. One serial lattice and plan for all rows.
template <class PerRow>
void for_each_row_transform(std::span<const double> theta_rows, std::size_t r0, std::size_t r1,
                            std::ptrdiff_t m, double length, PerRow&& per_row) {
  check_lattice(m, length);
  const auto ms = static_cast<std::size_t>(m);
  const std::size_t n = ms * ms * ms;
  if (r1 < r0 || r1 > n || theta_rows.size() != (r1 - r0) * n) {
    throw InputError(fmt::format("NTK dispersion: rows [{}, {}) of an {} x {} kernel need {} values, got {}",
                                 r0, r1, n, n, (r1 - r0) * n, theta_rows.size()));
  }
  if (r1 == r0) {
    return;
  }
  const Decomposition serial(Box{m, length}, MPI_COMM_SELF);
  FftPlan plan(serial, PlanRigor::estimate);
  Field row(serial);
  // e^{-i 2 pi q / M}: k.x_i = 2 pi (n . idx_i) / M and n_d = j_d (mod M) for the FFT index j_d, so the
  // phase of every mode is one table entry, exactly periodic.
  std::vector<std::complex<double>> table(ms);
  for (std::size_t q = 0; q < ms; ++q) {
    const double angle = -2.0 * std::numbers::pi * static_cast<double>(q) / static_cast<double>(m);
    table[q] = {std::cos(angle), std::sin(angle)};
  }
  std::vector<std::complex<double>> phase(static_cast<std::size_t>(serial.layout().fourier_size()));
  const SiteOrder order{m};
  for (std::size_t i = r0; i < r1; ++i) {
    const double* src = theta_rows.data() + (i - r0) * n;
    double* dst = row.real_data();
    for_each_site_row(serial, [=](const SiteRow& site_row) {
      const double* begin = src + order.index(site_row.ix, site_row.iy, 0);
      std::copy(begin, begin + site_row.length, dst + site_row.offset);
      std::fill_n(dst + site_row.offset + site_row.length, site_row.padding, 0.0);
    });
    row.set_space(Space::real);
    plan.to_fourier(row);
    const auto [ix, iy, iz] = order.site(i);
    std::complex<double>* out = phase.data();
    const std::complex<double>* entries = table.data();
    for_each_mode_row(serial, [=](const ModeRow& mode_row) {
      const std::ptrdiff_t base = (mode_row.ix * ix + mode_row.iy * iy) % m;
      for (std::ptrdiff_t l = 0; l < mode_row.length; ++l) {
        out[mode_row.offset + l] = entries[(base + l * iz) % m];
      }
    });
    per_row(i, std::span<const std::complex<double>>(row.fourier_data(), phase.size()),
            std::span<const std::complex<double>>(phase));
  }
}

} // namespace

std::size_t ntk_dispersion_modes(std::ptrdiff_t m) noexcept {
  const auto ms = static_cast<std::size_t>(std::max<std::ptrdiff_t>(m, 0));
  return ms * ms * (ms / 2 + 1);
}

NtkDispersionPartial ntk_dispersion_partial(std::span<const double> theta_rows, std::size_t r0,
                                            std::size_t r1, std::ptrdiff_t m, double length) {
  check_lattice(m, length);
  const std::size_t modes = ntk_dispersion_modes(m);
  const double inv_n = 1.0 / (static_cast<double>(m) * static_cast<double>(m) * static_cast<double>(m));
  NtkDispersionPartial out;
  out.rayleigh.assign(modes, 0.0);
  out.norm2.assign(modes, 0.0);
  for_each_row_transform(
      theta_rows, r0, r1, m, length,
      [&](std::size_t, std::span<const std::complex<double>> g, std::span<const std::complex<double>> phase) {
        for (std::size_t idx = 0; idx < modes; ++idx) {
          // Re[e^{-ik.x} conj G] = Re(e) Re(G) + Im(e) Im(G)
          out.rayleigh[idx] +=
              inv_n * (phase[idx].real() * g[idx].real() + phase[idx].imag() * g[idx].imag());
          out.norm2[idx] += inv_n * std::norm(g[idx]);
        }
      });
  return out;
}

std::vector<double> ntk_dispersion_residual2(std::span<const double> theta_rows, std::size_t r0,
                                             std::size_t r1, std::ptrdiff_t m, double length,
                                             std::span<const double> lambda) {
  check_lattice(m, length);
  const std::size_t modes = ntk_dispersion_modes(m);
  if (lambda.size() != modes) {
    throw InputError(
        fmt::format("NTK dispersion: expected {} per-mode lambda values, got {}", modes, lambda.size()));
  }
  const double inv_n = 1.0 / (static_cast<double>(m) * static_cast<double>(m) * static_cast<double>(m));
  std::vector<double> out(modes, 0.0);
  for_each_row_transform(
      theta_rows, r0, r1, m, length,
      [&](std::size_t, std::span<const std::complex<double>> g, std::span<const std::complex<double>> phase) {
        for (std::size_t idx = 0; idx < modes; ++idx) {
          out[idx] += inv_n * std::norm(g[idx] - lambda[idx] * phase[idx]);
        }
      });
  return out;
}

NtkDispersionModes ntk_dispersion_per_mode(const NtkDispersionPartial& reduced, double theta_norm) {
  if (!(theta_norm > 0.0) || !std::isfinite(theta_norm)) {
    throw InputError(fmt::format("NTK dispersion: ||Theta||_2 must be finite and > 0, got {}", theta_norm));
  }
  const std::size_t modes = reduced.rayleigh.size();
  const bool precise = !reduced.residual2.empty();
  if (reduced.norm2.size() != modes || (precise && reduced.residual2.size() != modes)) {
    throw InputError("NTK dispersion: rayleigh, norm2 (and residual2) must have one value per mode");
  }
  NtkDispersionModes out;
  out.lambda = reduced.rayleigh;
  out.leakage.resize(modes);
  for (std::size_t idx = 0; idx < modes; ++idx) {
    const double defect2 =
        precise ? reduced.residual2[idx] : reduced.norm2[idx] - reduced.rayleigh[idx] * reduced.rayleigh[idx];
    out.leakage[idx] = std::sqrt(std::max(0.0, defect2)) / theta_norm;
  }
  return out;
}

NtkDispersion ntk_dispersion_shells(const NtkDispersionPartial& reduced, std::ptrdiff_t m, double length,
                                    double theta_norm) {
  check_lattice(m, length);
  if (reduced.rayleigh.size() != ntk_dispersion_modes(m)) {
    throw InputError(fmt::format("NTK dispersion: expected {} modes for M = {}, got {}",
                                 ntk_dispersion_modes(m), m, reduced.rayleigh.size()));
  }
  const NtkDispersionModes modes = ntk_dispersion_per_mode(reduced, theta_norm);
  // The lattice spectrum's own binning: PowerSpectrum on the serial M^3 lattice, whose local Fourier slab
  // is the whole transposed half space, the layout of the per-mode vectors.
  const Decomposition serial(Box{m, length}, MPI_COMM_SELF);
  FftPlan plan(serial, PlanRigor::estimate);
  const SpectralOperators operators(serial, plan);
  const PowerSpectrum spectrum(operators);
  NtkDispersion out;
  out.k = spectrum.k();
  out.counts = spectrum.counts();
  out.lambda = spectrum.shell_mean(modes.lambda);
  const std::vector<double> var = spectrum.shell_variance(modes.lambda);
  out.lambda_err.resize(var.size());
  for (std::size_t b = 0; b < var.size(); ++b) {
    out.lambda_err[b] = std::sqrt(var[b] / std::max(1.0, 0.5 * out.counts[b]));
  }
  out.leakage = spectrum.shell_mean(modes.leakage);
  return out;
}

} // namespace inflanet
