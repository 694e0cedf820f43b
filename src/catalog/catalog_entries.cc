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
  }
  return "unknown";
}

Result<Zone> ParseZone(std::string_view name) {
  for (Zone zone : {Zone::kLanding, Zone::kTrusted, Zone::kCurated}) {
    if (NamesEqual(ZoneName(zone), name)) return zone;
  }
  return Status::Invalid("unknown zone '" + std::string(name) +
                         "' (expected landing, trusted or curated)");
}

}  // namespace stedi
