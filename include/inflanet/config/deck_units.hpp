#pragma once
/// \file
/// \brief The program units of the run a deck describes: read once, from background.kind, the vacuum
/// fluctuations the deck asks for and its optional [units] section, for every run kind.

#include "inflanet/base/program_units.hpp"
#include "inflanet/config/deck.hpp"

namespace inflanet::config {

/// \brief The run's ProgramUnits. A Friedmann run is in reduced Planck units (E = F = M_p = 2.435e18 GeV;
/// `units.energy_GeV` may rename E when no field has vacuum fluctuations); every other run kind is in the
/// units called H and M_p, with a physical scale only when `units.energy_GeV` is given (F defaults to E).
/// \throws inflanet::InputError naming the key when the deck asks for units the equations do not use:
/// `units.field_GeV` in a Friedmann run (H^2 = rho / 3 takes fields in M_p), a field unit other than the
/// energy unit beside vacuum fluctuations (drawn with hbar = 1 in one unit), `units.field_GeV` without
/// `units.energy_GeV`.
[[nodiscard]] ProgramUnits deck_units(const Deck& deck);

} // namespace inflanet::config
