#include "inflanet/integrator/integrator.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "inflanet/base/error.hpp"

namespace inflanet {
namespace {

std::vector<Stage> leapfrog(double w) {
  return {{Flow::friction, w / 2},
          {Flow::kick, w / 2},
          {Flow::drift, w},
          {Flow::kick, w / 2},
          {Flow::friction, w / 2}};
}

/// Symmetric composition of leapfrog sub-steps with the given weights, adjacent equal flows merged.
std::vector<Stage> compose(const std::vector<double>& weights) {
  std::vector<Stage> out;
  for (double w : weights) {
    for (const Stage& s : leapfrog(w)) {
      if (!out.empty() && out.back().flow == s.flow) {
        out.back().weight += s.weight;
      } else {
        out.push_back(s);
      }
    }
  }
  return out;
}

/// One step of unit length on the undamped oscillator q'' = -x^2 q: the 2x2 map's trace.
double one_step_trace(const std::vector<Stage>& stages, double x) {
  // Columns: images of (q, p) = (1, 0) and (0, 1).
  std::array<double, 2> q{1.0, 0.0}, p{0.0, 1.0};
  for (const Stage& s : stages) {
    for (int c = 0; c < 2; ++c) {
      if (s.flow == Flow::kick) {
        p[c] -= s.weight * x * x * q[c];
      } else if (s.flow == Flow::drift) {
        q[c] += s.weight * p[c];
      }
    }
  }
  return q[0] + p[1];
}

double find_stability_limit(const std::vector<Stage>& stages) {
  // Scan up from 0 until the map stops being elliptic, then bisect the edge.
  const double dx = 1e-3;
  double x = dx;
  while (x < 10.0 && std::abs(one_step_trace(stages, x)) < 2.0) {
    x += dx;
  }
  double lo = x - dx, hi = x;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::abs(one_step_trace(stages, mid)) < 2.0 ? lo : hi) = mid;
  }
  return lo;
}

} // namespace

Integrator::Integrator(std::string name, int order, std::vector<Stage> stages)
    : name_(std::move(name)), order_(order), stages_(std::move(stages)) {
  stability_limit_ = find_stability_limit(stages_);
  while (first_drift_ < stages_.size() && stages_[first_drift_].flow != Flow::drift) {
    ++first_drift_;
  }
}

double Integrator::largest_backward(Flow flow) const {
  // Between two drifts the kicks (and frictions) compose into one momentum map (apply()), so the system sees
  // their summed weight as one kick: sum each run of stages between drifts (the last run of a step merges
  // with the next step's first, as in advance()).
  std::vector<double> weights;
  double run = 0.0;
  bool in_run = false;
  for (const Stage& stage : stages_) {
    if (stage.flow == Flow::drift) {
      if (flow == Flow::drift) {
        weights.push_back(stage.weight);
      } else if (in_run) {
        weights.push_back(run);
      }
      run = 0.0;
      in_run = false;
    } else if (stage.flow == flow) {
      run += stage.weight;
      in_run = true;
    }
  }
  if (in_run) {
    if (!weights.empty() && stages_.front().flow != Flow::drift && flow != Flow::drift) {
      weights.front() += run; // the step boundary's merged kick
    } else {
      weights.push_back(run);
    }
  }
  double largest = 0.0;
  for (const double w : weights) {
    largest = std::max(largest, -w);
  }
  return largest;
}

Integrator Integrator::from_name(std::string_view name) {
  if (name == "euler") {
    return {"euler", 1, {{Flow::friction, 1.0}, {Flow::kick, 1.0}, {Flow::drift, 1.0}}};
  }
  if (name == "leapfrog") {
    return {"leapfrog", 2, leapfrog(1.0)};
  }
  if (name == "yoshida4") {
    const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
    const double w0 = 1.0 - 2.0 * w1;
    return {"yoshida4", 4, compose({w1, w0, w1})};
  }
  if (name == "yoshida6") {
    // Yoshida (1990), solution A of the 7-stage sixth-order symmetric composition.
    const double w1 = -1.17767998417887, w2 = 0.235573213359357, w3 = 0.784513610477560;
    const double w0 = 1.0 - 2.0 * (w1 + w2 + w3);
    return {"yoshida6", 6, compose({w3, w2, w1, w0, w1, w2, w3})};
  }
  throw InputError("unknown integrator '" + std::string(name) +
                   "': expected one of euler, leapfrog, yoshida4, yoshida6");
}

std::vector<std::string> Integrator::names() {
  return {"euler", "leapfrog", "yoshida4", "yoshida6"};
}

int Integrator::drifts_per_step() const noexcept {
  return static_cast<int>(
      std::count_if(stages_.begin(), stages_.end(), [](const Stage& s) { return s.flow == Flow::drift; }));
}

} // namespace inflanet
