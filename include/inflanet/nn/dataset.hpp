#pragma once
/// \file
/// \brief Training data of the network (the `[network] dataset` choices): lattice sites with a named target
/// function, a file (HDF5 or CSV), or a random teacher network. Every generator is a pure function of its
/// arguments (CounterRng streams keyed by the seed), so every rank builds the same data set and takes its
/// block: the data never depend on the rank count.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "inflanet/base/error.hpp"
#include "inflanet/nn/mlp.hpp"

namespace inflanet {

/// \brief N points: inputs x [N x d] and scalar targets y [N], row-major.
struct Dataset {
  std::size_t points = 0;
  int dim = 0;
  std::vector<double> x, y;
  std::string description; ///< one line for logs and nn.h5
};

/// \brief Named target functions on lattice sites when no inflaton is present.
/// "plane_wave": cos(2 pi x_0 / L), the lowest mode along the first axis;
/// "gaussian_random_field": a Gaussian random field with a red spectrum P(k) ~ k^-3, the sum of every mode
/// of the sub-lattice with 0 < |n|_inf <= min(4, M/2) (n the integer wave vector, k = 2 pi n / L),
/// normalised to unit variance over the sites.
[[nodiscard]] std::vector<std::string> lattice_target_names();

/// \brief The sites of an M^3 sub-lattice (every (N/M)-th site) of the periodic box of N^3 sites and side L,
/// in SiteOrder{M} (row-major: (a, b, c) -> a M^2 + b M + c), site position (a, b, c) (N/M) L/N. Inputs are
/// the periodic embedding x -> (cos 2 pi x_d / L, sin 2 pi x_d / L)_{d = 0,1,2} (d_in = 6), targets the named
/// test function (lattice_target_names; `seed` keys the random field). InputError for M not dividing N or
/// an unknown target.
[[nodiscard]] Dataset lattice_dataset(std::int64_t n, double length, std::int64_t m, std::string_view target,
                                      std::uint64_t seed);

/// \brief A data file that cannot serve as a data set (exit 2), in the data set's own terms: which file and
/// what is wrong with it. what() is "data file '<path>': <problem>"; the app names the deck key that gave
/// the path from path() and problem(), without reading the message.
class DataFileError : public InputError {
public:
  DataFileError(const std::filesystem::path& path, const std::string& problem);
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }

private:
  std::filesystem::path path_;
  std::string problem_;
};

/// \brief Inputs and targets from a file: HDF5 (.h5, .hdf5: datasets x[N,d] and y[N] or y[N,1]) or CSV
/// (any other extension; comma separated, one point per row, last column y, an optional header row of
/// names). DataFileError for a missing or unreadable file, bad shapes, ragged rows, unparsable numbers or
/// non-finite values.
[[nodiscard]] Dataset file_dataset(const std::filesystem::path& path);

/// \brief N standard-normal inputs in d dimensions and targets y = teacher(x): an Mlp of the given
/// architecture (input_dim is set to d) drawn from `teacher.seed`.
[[nodiscard]] Dataset synthetic_dataset(std::size_t points, int dim, MlpParams teacher, std::uint64_t seed);

} // namespace inflanet
