#include "ingest/landing_sources.h"

namespace stedi {
namespace {

std::shared_ptr<const Schema> MakeSchema(
    const std::vector<std::pair<const char*, TypeId>>& columns) {
  std::vector<Field> fields;
  fields.reserve(columns.size());
  int id = 1;
  for (auto& [name, type] : columns) fields.push_back(Field{name, type, true, id++});
  return std::make_shared<const Schema>(std::move(fields));
}

}  // namespace

const std::vector<LandingSource>& LandingSources() {
  static const std::vector<LandingSource> kSources = {
      {"customer", "customer_landing",
       MakeSchema({{"customername", TypeId::kString},
                   {"email", TypeId::kString},
                   {"phone", TypeId::kString},
                   {"birthday", TypeId::kString},
                   {"serialnumber", TypeId::kString},
                   {"registrationdate", TypeId::kInt64},
                   {"lastupdatedate", TypeId::kInt64},
                   {"sharewithresearchasofdate", TypeId::kInt64},
                   {"sharewithpublicasofdate", TypeId::kInt64},
                   {"sharewithfriendsasofdate", TypeId::kInt64}})},
      {"accelerometer", "accelerometer_landing",
       MakeSchema({{"user", TypeId::kString},
                   {"timestamp", TypeId::kInt64},
                   {"x", TypeId::kFloat64},
                   {"y", TypeId::kFloat64},
                   {"z", TypeId::kFloat64}})},
      {"step_trainer", "step_trainer_landing",
       MakeSchema({{"sensorreadingtime", TypeId::kInt64},
                   {"serialnumber", TypeId::kString},
                   {"distancefromobject", TypeId::kInt64}})},
  };
  return kSources;
}

std::shared_ptr<const Schema> QuarantineSchema() {
  static const auto kSchema = MakeSchema({{"source", TypeId::kString},
                                          {"file", TypeId::kString},
                                          {"offset", TypeId::kInt64},
                                          {"reason", TypeId::kString},
                                          {"raw", TypeId::kBinary}});
  return kSchema;
}

}  // namespace stedi
