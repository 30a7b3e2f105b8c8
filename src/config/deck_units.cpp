#include "inflanet/config/deck_units.hpp"

#include <fmt/format.h>

namespace inflanet::config {
namespace {

// Whether the deck draws vacuum fluctuations for any field: their amplitude 1/sqrt(2 omega) is hbar = 1 in
// one program unit for energies and fields, which ties F to E.
bool draws_vacuum(const Deck& deck) {
  if (deck.has("inflaton.fluctuations") && deck.string("inflaton.fluctuations") != "none") {
    return true;
  }
  for (std::size_t i = 0; i < deck.count("field"); ++i) {
    if (deck.string("field.fluctuations", i) != "none") {
      return true;
    }
  }
  return false;
}

} // namespace

ProgramUnits deck_units(const Deck& deck) {
  const bool friedmann = deck.string("background.kind") == "friedmann";
  const bool vacuum = draws_vacuum(deck);
  const bool energy_given = deck.has("units.energy_GeV"), field_given = deck.has("units.field_GeV");
  if (field_given && friedmann) {
    deck.fail("units.field_GeV", "no value in a Friedmann run: it evolves H^2 = rho / 3, whose fields are in "
                                 "units of the reduced Planck mass M_p = 2.435e18 GeV");
  }
  if (field_given && !energy_given) {
    deck.fail("units.field_GeV", "units.energy_GeV beside it (a field scale alone gives no time or length)");
  }
  const double energy = energy_given ? deck.real("units.energy_GeV") : constants::reduced_planck_mass_GeV;
  if (field_given && vacuum && deck.real("units.field_GeV") != energy) {
    deck.fail(
        "units.field_GeV",
        fmt::format("no value or units.energy_GeV = {:g}: the vacuum fluctuations are drawn with hbar = 1 "
                    "in one program unit for energies and fields (or fluctuations = \"none\")",
                    energy));
  }
  if (friedmann) {
    if (!energy_given || energy == constants::reduced_planck_mass_GeV) {
      return ProgramUnits::planck();
    }
    if (vacuum) {
      deck.fail("units.energy_GeV",
                "no value in a Friedmann run with vacuum fluctuations: they are drawn with "
                "hbar = 1 in the fields' unit, M_p = 2.435e18 GeV (or fluctuations = "
                "\"none\")");
    }
    // E is the deck's own: H^2 = rho / 3 holds in any unit of time once the fields are in M_p.
    return {"E", "M_p", PhysicalScale{energy, constants::reduced_planck_mass_GeV}};
  }
  if (!energy_given) {
    return ProgramUnits::hubble();
  }
  const double field = field_given ? deck.real("units.field_GeV") : energy;
  // With F = E the field unit is the energy unit, H; a separate field unit has a name of its own.
  ProgramUnits units = ProgramUnits::hubble(PhysicalScale{energy, field});
  units.field = field == energy ? "H" : "F";
  return units;
}

} // namespace inflanet::config
