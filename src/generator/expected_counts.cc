#include "generator/expected_counts.h"

namespace stedi {

namespace {

void AppendField(std::string* out, const char* indent, const char* name, int64_t value, bool last) {
  *out += indent;
  *out += '"';
  *out += name;
  *out += "\": ";
  *out += std::to_string(value);
  *out += last ? "\n" : ",\n";
}

void AppendPolicy(std::string* out, const char* name, const ExpectedCounts& c,
                  const PolicyCounts& p, bool last) {
  const char* in = "      ";
  *out += "    \"";
  *out += name;
  *out += "\": {\n";
  AppendField(out, in, "customer_landing", c.customer_landing, false);
  AppendField(out, in, "accelerometer_landing", c.accelerometer_landing, false);
  AppendField(out, in, "step_trainer_landing", c.step_trainer_landing, false);
  AppendField(out, in, "customer_trusted", p.customer_trusted, false);
  AppendField(out, in, "accelerometer_trusted", p.accelerometer_trusted, false);
  AppendField(out, in, "customer_curated", p.customer_curated, false);
  AppendField(out, in, "step_trainer_trusted", p.step_trainer_trusted, false);
  AppendField(out, in, "machine_learning_curated", p.machine_learning_curated, true);
  *out += last ? "    }\n" : "    },\n";
}

}  // namespace

const char* MessKindName(MessKind kind) {
  switch (kind) {
    case MessKind::kCrlf:
      return "crlf_line_end";
    case MessKind::kConcatenated:
      return "objects_on_one_line";
    case MessKind::kTruncatedCopy:
      return "truncated_fragment";
    case MessKind::kKeyCase:
      return "key_case";
    case MessKind::kWrongType:
      return "wrong_type";
    case MessKind::kInvalidUtf8:
      return "invalid_utf8";
    case MessKind::kExtraField:
      return "extra_field";
    case MessKind::kNullField:
      return "null_field";
    case MessKind::kMissingField:
      return "missing_field";
  }
  return "unknown";
}

std::string ExpectedCountsToJson(const ExpectedCounts& counts, const GeneratorSettings& settings) {
  std::string out = "{\n  \"generator\": {\n";
  AppendField(&out, "    ", "customers", settings.customers, false);
  // The seed is unsigned 64-bit; print it as such rather than through int64_t.
  out += "    \"seed\": " + std::to_string(settings.seed) + ",\n";
  AppendField(&out, "    ", "rows_per_file", settings.rows_per_file, false);
  AppendField(&out, "    ", "files_per_source", settings.files_per_source, false);
  AppendField(&out, "    ", "messy_per_million", settings.messy_per_million, true);
  out += "  },\n  \"landing\": {\n";
  AppendField(&out, "    ", "customer_landing", counts.customer_landing, false);
  AppendField(&out, "    ", "accelerometer_landing", counts.accelerometer_landing, false);
  AppendField(&out, "    ", "step_trainer_landing", counts.step_trainer_landing, true);
  out += "  },\n";
  AppendField(&out, "  ", "quarantine", counts.quarantine, false);
  out += "  \"messes\": {\n";
  for (int k = 0; k < kMessKinds; ++k) {
    AppendField(&out, "    ", MessKindName(static_cast<MessKind>(k)), counts.messes[k],
                k + 1 == kMessKinds);
  }
  out += "  },\n  \"policies\": {\n";
  AppendPolicy(&out, "standard", counts, counts.standard, false);
  AppendPolicy(&out, "since-consent", counts, counts.since_consent, false);
  AppendPolicy(&out, "rubric", counts, counts.rubric, true);
  out += "  }\n}\n";
  return out;
}

}  // namespace stedi
