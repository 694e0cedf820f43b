#include "catalog/catalog_entries.h"

namespace stedi {

std::string_view ZoneName(Zone zone) {
  switch (zone) {
    case Zone::kLanding:
      return "landing";
    case Zone::kTrusted:
      return "trusted";
    case Zone::kCurated:
      return "curated";
    case Zone::kExternal:
      return "external";
  }
  return "unknown";
}

Result<Zone> ParseZone(std::string_view name) {
  for (Zone zone : {Zone::kLanding, Zone::kTrusted, Zone::kCurated, Zone::kExternal}) {
    if (NamesEqual(ZoneName(zone), name)) return zone;
  }
  return Status::Invalid("unknown zone '" + std::string(name) +
                         "' (expected landing, trusted, curated or external)");
}

}  // namespace stedi
