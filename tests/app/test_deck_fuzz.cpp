// Deck fuzzing: random mutations of every shipped deck (lines deleted, duplicated, swapped; keys misspelt;
// values replaced by wrong types, extremes, non-finite numbers and strings; sections and schema keys
// inserted; garbage bytes; truncation; bad overrides) go through exactly what `inflanet check` runs
// (Deck::load, check_deck, require_memory), in process. Every outcome must be a success (exit 0) or an
// InputError (exit 2): any other exception would be exit 1 or an abort, and a crash or undefined behaviour
// is caught by the sanitizer build (.ci/run). Deterministic: seed and count from INFLANET_FUZZ_SEED and
// INFLANET_FUZZ_CASES (defaults 20240611 and 2000). And every schema key, given to every run kind, is read by
// it or refused (DeckKeyUse): never accepted and ignored.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/deck_check.hpp"
#include "inflanet/app/lattice_parameters.hpp"
#include "inflanet/app/network_parameters.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/config/schema.hpp"

namespace fs = std::filesystem;
using namespace inflanet;

namespace {

/// splitmix64: the same stream on every platform (std:: distributions are implementation-defined).
class Rng {
public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

private:
  std::uint64_t state_;
};

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l + "\n";
  }
  return out;
}

const std::vector<std::string> values = {"",
                                         "0",
                                         "1",
                                         "-1",
                                         "2",
                                         "3",
                                         "7",
                                         "16",
                                         "64",
                                         "100000",
                                         "2147483647",
                                         "2147483648",
                                         "4294967296",
                                         "9223372036854775807",
                                         "-9223372036854775808",
                                         "99999999999999999999",
                                         "0.0",
                                         "-0.0",
                                         "1e-308",
                                         "5e-324",
                                         "1e308",
                                         "-1e308",
                                         "1e309",
                                         "nan",
                                         "inf",
                                         "-inf",
                                         "0.5",
                                         "1.5",
                                         "2.25",
                                         "0.999999",
                                         "1e-12",
                                         "3.0e2",
                                         "0x10",
                                         "0o17",
                                         "0b101",
                                         "1_000",
                                         "true",
                                         "false",
                                         "\"\"",
                                         "\"x\"",
                                         "\"lattice\"",
                                         "\"file\"",
                                         "\"synthetic\"",
                                         "\"inflaton\"",
                                         "\"plane_wave\"",
                                         "\"gaussian_random_field\"",
                                         "\"minkowski\"",
                                         "\"desitter\"",
                                         "\"euler\"",
                                         "\"leapfrog\"",
                                         "\"yoshida4\"",
                                         "\"yoshida6\"",
                                         "\"expression\"",
                                         "\"quartic\"",
                                         "\"axion\"",
                                         "\"starobinsky\"",
                                         "\"quadratic_quartic\"",
                                         "\"phi^2\"",
                                         "\"sin(phi)/phi\"",
                                         "\"1/0\"",
                                         "\"phi^\"",
                                         "\"(((\"",
                                         "\"latest\"",
                                         "\"nowhere/checkpoint_1.h5\"",
                                         "\"cosmology\"",
                                         "\"network\"",
                                         "\"relu\"",
                                         "\"erf\"",
                                         "\"linear\"",
                                         "\"softplus\"",
                                         "\"none\"",
                                         "\"bunch-davies\"",
                                         "\"missing.csv\"",
                                         "\"missing.h5\"",
                                         "[1, 2]",
                                         "[]",
                                         "{a = 1}",
                                         "{}",
                                         "1979-05-27",
                                         "07:32:00",
                                         "'lit'",
                                         "\"\"\"multi\nline\"\"\"",
                                         "\"\\u0000\"",
                                         "\"\\uD800\"",
                                         "= 1",
                                         "\"unterminated"};

const std::vector<std::string> sections = {
    "[lattice]", "[background]", "[inflaton]", "[time]", "[output]",      "[network]",   "[duality]",
    "[bogus]",   "[[array]]",    "[",          "[]",     "[lattice.sub]", "[ network ]", "[\"time\"]"};

/// A key = value line: a schema key (its own section or a dotted path) or a mangled one.
std::string random_assignment(Rng& rng, const std::vector<std::string>& keys) {
  std::string key = rng.pick(keys);
  if (rng.below(4) == 0) {
    key = key.substr(key.find('.') + 1); // bare name, lands in whatever section is open
  }
  if (rng.below(8) == 0 && !key.empty()) {
    key[rng.below(key.size())] = static_cast<char>('a' + rng.below(26));
  }
  return key + " = " + rng.pick(values);
}

std::string mutate(std::string text, Rng& rng, const std::vector<std::string>& keys) {
  const std::size_t edits = 1 + rng.below(4);
  for (std::size_t e = 0; e < edits; ++e) {
    auto lines = split_lines(text);
    const std::size_t at = rng.below(lines.size() + 1);
    switch (rng.below(11)) {
    case 0: // delete a line
      if (!lines.empty()) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(rng.below(lines.size())));
      }
      break;
    case 1: // duplicate a line (duplicate keys and sections)
      if (!lines.empty()) {
        const auto i = rng.below(lines.size());
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
      }
      break;
    case 2: // swap two lines (keys move between sections)
      if (lines.size() > 1) {
        std::swap(lines[rng.below(lines.size())], lines[rng.below(lines.size())]);
      }
      break;
    case 3:
    case 4: { // replace a value
      if (lines.empty()) {
        break;
      }
      auto& line = lines[rng.below(lines.size())];
      if (const auto eq = line.find('='); eq != std::string::npos) {
        line = line.substr(0, eq + 1) + " " + rng.pick(values);
      }
      break;
    }
    case 5: { // misspell a key
      if (lines.empty()) {
        break;
      }
      auto& line = lines[rng.below(lines.size())];
      if (const auto eq = line.find('='); eq != std::string::npos && eq > 0) {
        line[rng.below(eq)] = static_cast<char>('A' + rng.below(58));
      }
      break;
    }
    case 6: // insert a section header
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), rng.pick(sections));
      break;
    case 7:
    case 8: // insert a schema key with any value
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), random_assignment(rng, keys));
      break;
    case 9: { // garbage bytes, NUL and invalid UTF-8 included
      std::string joined = join_lines(lines);
      const std::size_t n = 1 + rng.below(8);
      std::string garbage;
      for (std::size_t i = 0; i < n; ++i) {
        garbage.push_back(static_cast<char>(rng.below(256)));
      }
      joined.insert(rng.below(joined.size() + 1), garbage);
      text = joined;
      continue;
    }
    default: { // truncate
      std::string joined = join_lines(lines);
      joined.resize(rng.below(joined.size() + 1));
      text = joined;
      continue;
    }
    }
    text = join_lines(lines);
  }
  return text;
}

std::vector<std::string> random_overrides(Rng& rng, const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  if (rng.below(4) != 0) {
    return out;
  }
  const std::vector<std::string> odd = {"=",       "lattice.N", "lattice.N=",    "=3",
                                        "a.b.c=1", ".x=1",      "restart=latest"};
  for (std::size_t i = 0, n = 1 + rng.below(2); i < n; ++i) {
    if (rng.below(5) == 0) {
      out.push_back(rng.pick(odd));
    } else {
      out.push_back(rng.pick(keys) + "=" + rng.pick(values));
    }
  }
  return out;
}

} // namespace

TEST(DeckFuzz, EveryMutatedDeckIsAcceptedOrRefusedWithStatusTwo) {
  const std::uint64_t seed = env_or("INFLANET_FUZZ_SEED", 20240611);
  const std::uint64_t cases = env_or("INFLANET_FUZZ_CASES", 2000);
  std::vector<std::string> bases;
  for (const auto& entry : fs::directory_iterator(fs::path(INFLANET_SOURCE_DIR) / "inputs")) {
    if (entry.path().extension() == ".toml") {
      std::ifstream in(entry.path());
      bases.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  std::sort(bases.begin(), bases.end()); // directory order is not deterministic
  ASSERT_GE(bases.size(), 4u);
  std::vector<std::string> keys;
  const auto schema = config::inflanet_schema();
  for (const auto& k : schema.keys()) {
    keys.push_back(k.path);
  }
  const fs::path dir = fs::temp_directory_path() / ("inflanet-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto deck_path = (dir / "deck.toml").string();
  // A fixed node, so that the outcome does not depend on the machine: 16 GiB for 1 rank.
  const NodeMemory node{16.0 * 1024 * 1024 * 1024, 1};

  Rng rng(seed);
  std::array<std::uint64_t, 3> status{}; // exit 0, exit 2, anything else
  double slowest = 0.0;
  int reported = 0;
  for (std::uint64_t c = 0; c < cases; ++c) {
    const std::string text = mutate(rng.pick(bases), rng, keys);
    const auto overrides = random_overrides(rng, keys);
    std::ofstream(deck_path, std::ios::binary | std::ios::trunc) << text;
    const auto start = std::chrono::steady_clock::now();
    std::string failure;
    try {
      const auto deck = config::Deck::load(deck_path, overrides, schema);
      const auto checked = check_deck(deck, 1, node);
      require_memory(checked.memory, node, 1, deck.file());
      ++status[0];
    } catch (const InputError&) {
      ++status[1];
    } catch (const std::exception& e) {
      failure = std::string("exception (exit 1): ") + e.what();
    } catch (...) {
      failure = "non-standard exception (abort)";
    }
    slowest =
        std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!failure.empty()) {
      ++status[2];
      if (reported++ < 5) {
        std::string args;
        for (const auto& o : overrides) {
          args += " " + o;
        }
        ADD_FAILURE() << "case " << c << " (seed " << seed << "): " << failure << "\noverrides:" << args
                      << "\n--- deck ---\n"
                      << text << "\n------------";
      }
    }
  }
  fs::remove_all(dir);
  std::printf(
      "deck fuzz: %llu cases (seed %llu): exit 0: %llu, exit 2: %llu, other: %llu; slowest case %.3f s\n",
      static_cast<unsigned long long>(cases), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(status[0]), static_cast<unsigned long long>(status[1]),
      static_cast<unsigned long long>(status[2]), slowest);
  EXPECT_EQ(status[2], 0u);
  // Not vacuous: the mutations reach past the parser (some decks still run) and past the happy path.
  EXPECT_GE(status[0], cases / 40);
  EXPECT_GE(status[1], cases / 4);
  EXPECT_LT(slowest, 10.0) << "a case this slow would be a hang under `inflanet check`";
}

// --- Every key given is used or refused --------------------------------------------------------------

namespace {

/// A value of key `k` that the schema accepts and that is not its default (nullopt when none was found).
std::optional<config::Value> other_value(const config::KeySpec& k) {
  const auto valid = [&](const config::Value& v) { return !k.violation(v) && v != k.default_value; };
  switch (k.type) {
  case config::Type::boolean: {
    const bool d = k.default_value && std::get<bool>(*k.default_value);
    return config::Value(!d);
  }
  case config::Type::string: {
    for (const auto& choice : k.choices) {
      if (valid(config::Value(choice))) {
        return config::Value(choice);
      }
    }
    const config::Value any(std::string(k.is_identifier ? "zz_key" : "x"));
    return valid(any) ? std::optional(any) : std::nullopt;
  }
  case config::Type::integer: {
    const std::int64_t d = k.default_value ? std::get<std::int64_t>(*k.default_value) : 0;
    for (const std::int64_t v : {d + 1, d - 1, 2 * d, std::int64_t{2}, std::int64_t{1}, std::int64_t{3}}) {
      if (valid(config::Value(v))) {
        return config::Value(v);
      }
    }
    return std::nullopt;
  }
  case config::Type::real: {
    const double d = k.default_value ? std::get<double>(*k.default_value) : 0.0;
    const double lo = k.min ? k.min->value : 0.0, hi = k.max ? k.max->value : lo + 2.0;
    for (const double v : {0.5 * d, 0.9 * d, 1.1 * d, d + 0.5, 0.5, 0.5 * (lo + hi), lo + 1e-3, 1e-3}) {
      if (valid(config::Value(v))) {
        return config::Value(v);
      }
    }
    return std::nullopt;
  }
  }
  return std::nullopt;
}

// The decks as inline tables, one section a line.
const char* const lattice_part = R"(lattice = { N = 8, L = 10.0 }
background = { kind = "desitter", H = 1.0 }
inflaton = { potential = "quadratic", m = 0.5 }
time = { dt = 0.05, t_end = 0.1 }
)";

struct RunKindDeck {
  const char* kind;
  std::string text;
  bool fields; ///< has [[field]] tables (the only decks a key of [[field]] can be given to)
};

const std::vector<RunKindDeck>& run_kind_decks() {
  static const std::vector<RunKindDeck> decks = {
      {"lattice ([inflaton])", lattice_part, false},
      {"lattice ([[field]])", R"(lattice = { N = 8, L = 10.0 }
background = { kind = "minkowski" }
potential = { kind = "chaotic_g2", m = 1.0, g2 = 0.5 }
field = [{ name = "phi", mean = 1.0 }, { name = "chi" }]
time = { dt = 0.05, t_end = 0.1 }
)",
       true},
      {"network-only", R"(lattice = { N = 8, L = 10.0 }
network = { sublattice = 4, targets = "plane_wave", depth = 1, width = 8, steps = 10 }
)",
       false},
      {"coupled", std::string(lattice_part) + "[network]\nsublattice = 4\ndepth = 1\nwidth = 8\n[duality]\n",
       false},
      {"exact dual",
       std::string(lattice_part) + "[network]\nsublattice = 4\nembedding = \"fourier\"\ndepth = 0\n", false},
  };
  return decks;
}

/// What check reads of a deck: the parameters of its run kind (InputError for anything it refuses).
void read_parameters(const config::Deck& deck) {
  switch (run_kind(deck)) {
  case RunKind::network_only:
    (void)NetworkParameters::from_deck(deck);
    return;
  case RunKind::coupled:
    (void)CoupledParameters::from_deck(deck);
    return;
  case RunKind::lattice:
    (void)LatticeParameters::from_deck(deck);
    return;
  }
}

} // namespace

TEST(DeckKeyUse, EverySchemaKeyGivenToEveryRunKindIsReadOrRefusedNeverIgnored) {
  const auto schema = config::inflanet_schema();
  const fs::path dir = fs::temp_directory_path() / ("inflanet-keys-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::size_t read = 0, refused = 0, unread = 0, cases = 0;
  std::vector<bool> covered(schema.keys().size(), false);
  for (const auto& base : run_kind_decks()) {
    const auto path = (dir / "deck.toml").string();
    std::ofstream(path, std::ios::trunc) << base.text;
    ASSERT_NO_THROW(read_parameters(config::Deck::load(path, {}, schema))) << base.kind << " deck";
    for (std::size_t i = 0; i < schema.keys().size(); ++i) {
      const config::KeySpec& k = schema.keys()[i];
      const bool repeated = schema.find_section(k.section())->presence == config::Presence::repeated;
      if (repeated && !base.fields) {
        continue; // a [[field]] key cannot be given without a [[field]] table (an override creates none)
      }
      const auto value = other_value(k);
      ASSERT_TRUE(value.has_value()) << k.path << ": no valid value other than the default";
      const std::string key = repeated ? k.section() + ".0." + k.name() : k.path;
      const std::string override_argument = key + "=" + config::toml_literal(*value);
      ++cases;
      covered[i] = true;
      try {
        const auto deck = config::Deck::load(path, {override_argument}, schema);
        read_parameters(deck);
        const bool was_read = repeated ? deck.was_read(k.path, 0) : deck.was_read(k.path);
        EXPECT_TRUE(was_read) << base.kind << " run: " << override_argument << " accepted and never read";
        read += was_read ? 1 : 0;
      } catch (const InputError& e) {
        ++refused;
        unread += std::string_view(e.what()).find("is not used by") != std::string_view::npos ? 1 : 0;
      }
    }
  }
  fs::remove_all(dir);
  const auto keys = schema.keys().size();
  const auto tested = static_cast<std::size_t>(std::count(covered.begin(), covered.end(), true));
  std::printf("schema keys: %zu; keys the test gives to a run kind: %zu; (key, run kind) cases: %zu "
              "(%zu read, %zu refused, %zu of them as not used by the run kind) over %zu run kinds\n",
              keys, tested, cases, read, refused, unread, run_kind_decks().size());
  EXPECT_EQ(tested, keys) << "every schema key is given to some run kind";
  EXPECT_EQ(read + refused, cases);
  EXPECT_GT(read, 0u);
  EXPECT_GT(refused, 0u);
  EXPECT_GT(unread, 0u) << "the rule itself refused some";
}

TEST(DeckKeyUse, AKeyTheRunKindDoesNotReadIsRefusedNamingItAndTheRun) {
  const auto schema = config::inflanet_schema();
  const fs::path dir = fs::temp_directory_path() / ("inflanet-unread-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto path = (dir / "deck.toml").string();
  std::ofstream(path, std::ios::trunc) << lattice_part;
  // A quadratic inflaton has neither a lambda nor a formula.
  for (const auto& [argument, key] : std::vector<std::pair<std::string, std::string>>{
           {"inflaton.lambda=0.3", "inflaton.lambda"},
           {"inflaton.expression=\"phi^2\"", "inflaton.expression"}}) {
    const auto deck = config::Deck::load(path, {argument}, schema);
    try {
      read_parameters(deck);
      ADD_FAILURE() << argument << " accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("key '" + key + "'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("not used by a lattice run"), std::string::npos) << e.what();
    }
  }
  // Given at its default it changes nothing, so a resolved deck (which spells every default) reloads.
  const auto deck = config::Deck::load(path, {"output.snapshot_every=0"}, schema);
  EXPECT_NO_THROW(read_parameters(deck));
  fs::remove_all(dir);
}
