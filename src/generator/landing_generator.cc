#include "generator/landing_generator.h"

#include <array>
#include <charconv>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "generator/json_lines_file_sequence.h"
#include "generator/pseudo_random.h"

namespace stedi {

namespace {

// ---- Shape, calibrated on the real landing data (see docs/generator.md). ----

constexpr int kReadingTimes = 30;                // distinct timestamps per device (real: all 30)
constexpr int64_t kRegistrationStep = 2560;      // ms between consecutive customers' registration
constexpr uint32_t kResearchConsent = 504000;    // per million: 482 / 956 have research consent
constexpr uint32_t kPublicConsent = 514000;      // 491 / 956
constexpr uint32_t kFriendsConsent = 531000;     // 508 / 956
constexpr uint32_t kNullWhenNoConsent = 150000;  // no consent: JSON null instead of absent
constexpr uint32_t kConsentAtRegistration = 920000;
constexpr uint32_t kUpdatedAtRegistration = 960000;
constexpr uint32_t kHasDevice = 980000;  // the rest have no readings at all

// Timestamps are made unique by construction instead of remembered. Every timestamp t of
// customer i that is its own satisfies t % kTimeModulus == i % kOwnResidues; every shared slot
// s has t % kTimeModulus == kOwnResidues + s % kSlotResidues. A customer's readings lie in
// [registration - 56 s, registration + 74 s], and registrations advance kRegistrationStep per
// customer, so two customers whose time ranges overlap are fewer than 52 apart and never share a
// residue; slots open at most kMaxSlotsOpened per customer inside the opener's range, so slots
// whose times could meet are fewer than 3 * 52 < kSlotResidues ids apart. Hence equal timestamps on
// two devices happen exactly at shared slots, whose members the generator knows, and the
// timestamp-only (rubric) join is counted slot by slot.
constexpr int64_t kTimeModulus = 512;
constexpr int64_t kOwnResidues = 256;
constexpr int64_t kSlotResidues = 256;
constexpr int kMaxSlotsOpened = 3;
constexpr int64_t kSlotLifetime = 6;  // customers after the opener that may join a slot
constexpr uint32_t kJoinSlot = 700000;

constexpr std::array<std::string_view, 40> kFirstNames = {
    "Alice", "Amir",  "Anna",  "Ben",   "Carla", "Chen",   "Daniel", "Dana",   "Elena", "Emeka",
    "Farah", "Felix", "Grace", "Hiro",  "Ines",  "Ivan",   "Jamal",  "Julia",  "Kai",   "Laura",
    "Leo",   "Maya",  "Mateo", "Nadia", "Noah",  "Olga",   "Omar",   "Priya",  "Quinn", "Rosa",
    "Sam",   "Sofia", "Tariq", "Tessa", "Uma",   "Victor", "Wendy",  "Xavier", "Yara",  "Zoe"};
constexpr std::array<std::string_view, 40> kLastNames = {
    "Adams",    "Baker",  "Castro",   "Dubois",  "Evans",  "Fischer",  "Garcia",   "Haddad",
    "Ito",      "Jensen", "Kowalski", "Lopez",   "Murphy", "Nakamura", "Okafor",   "Patel",
    "Quintero", "Rossi",  "Schmidt",  "Tanaka",  "Usman",  "Varga",    "Walsh",    "Xu",
    "Young",    "Zhang",  "Moreau",   "Novak",   "Olsen",  "Petrov",   "Reyes",    "Silva",
    "Torres",   "Weber",  "Yilmaz",   "Brennan", "Costa",  "Duarte",   "Ferreira", "Horvat"};

// "-1.0", "0.0", "1.0" for codes 0, 1, 2, as the real files print the axis values.
constexpr std::array<std::string_view, 3> kAxisValues = {"-1.0", "0.0", "1.0"};

void AppendInt(std::string* out, int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  (void)ec;  // 24 characters always hold an int64_t
  out->append(digits, end);
}

void AppendHex(std::string* out, uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(value >> (4 * i)) & 0xf]);
}

// A version-4 UUID whose node and time_mid fields hold a bijective scramble of the customer
// index, so serial numbers are unique without remembering them.
std::string SerialNumber(uint64_t unique_bits, PseudoRandom& rng) {
  const uint64_t random = rng.Next();
  std::string out;
  out.reserve(36);
  AppendHex(&out, random >> 32, 8);
  out.push_back('-');
  AppendHex(&out, unique_bits >> 48, 4);
  out += "-4";
  AppendHex(&out, (random >> 20) & 0xfff, 3);
  out.push_back('-');
  AppendHex(&out, 8 + ((random >> 18) & 0x3), 1);
  AppendHex(&out, (random >> 6) & 0xfff, 3);
  out.push_back('-');
  AppendHex(&out, unique_bits & 0xffffffffffffULL, 12);
  return out;
}

// A consent date: a number, JSON null, or absent.
struct Consent {
  enum class Kind { kAbsent, kNull, kDate } kind = Kind::kAbsent;
  int64_t date = 0;
};

// A timestamp several devices share; members are consecutive customers, so at most
// kMaxSlotsOpened * (kSlotLifetime + 1) slots are open at once.
struct SharedSlot {
  int64_t id = 0;
  int64_t time = 0;
  int64_t opener = 0;
  int members = 0;
  int capacity = 0;
  // Standard-policy step_trainer_trusted and accelerometer_trusted rows at this time.
  int64_t trusted_steps = 0;
  int64_t trusted_readings = 0;
};

class LandingWriter {
 public:
  LandingWriter(FileSystem& fs, const std::string& out_dir, const GeneratorOptions& options)
      : options_(options), rng_(options.seed) {
    uint64_t state = options.seed ^ 0x5ced1a7e5ced1a7eULL;
    base_time_ = 1650000000000 + static_cast<int64_t>(SplitMix64(state) % 20000000000ULL);
    name_salt_ = SplitMix64(state);
    // The real files are named some 414 days after the readings, customer first, then
    // accelerometer about 20 ms later and step trainer about 600 ms later.
    const int64_t first_name =
        base_time_ + 35000000000 + static_cast<int64_t>(SplitMix64(state) % 1000000000ULL);
    const int64_t rows_per_file =
        options.files_per_source > 0 ? std::numeric_limits<int64_t>::max() : options.rows_per_file;
    customers_ = std::make_unique<JsonLinesFileSequence>(
        fs, out_dir, "customer/landing", "customer", first_name, SplitMix64(state), rows_per_file);
    accelerometer_ = std::make_unique<JsonLinesFileSequence>(fs, out_dir, "accelerometer/landing",
                                                             "accelerometer", first_name + 20,
                                                             SplitMix64(state), rows_per_file);
    step_trainer_ =
        std::make_unique<JsonLinesFileSequence>(fs, out_dir, "step_trainer/landing", "step_trainer",
                                                first_name + 613, SplitMix64(state), rows_per_file);
    if (options.messy_per_million > 0) {
      for (JsonLinesFileSequence* seq : Sequences()) {
        seq->SetNextFilePrefix("\xEF\xBB\xBF");  // a UTF-8 BOM
        seq->SetGzipEvery(5);
      }
    }
    line_.reserve(512);
  }

  Status Run(GeneratorSummary* summary) {
    int64_t file_index = 0;
    for (int64_t i = 0; i < options_.customers; ++i) {
      if (options_.files_per_source > 0) {
        // Exact in integers: i * K / N never overflows for the sizes a disk holds.
        const int64_t wanted = static_cast<int64_t>(static_cast<__int128>(i) *
                                                    options_.files_per_source / options_.customers);
        if (wanted != file_index) {
          file_index = wanted;
          for (JsonLinesFileSequence* seq : Sequences()) STEDI_RETURN_NOT_OK(seq->StartNewFile());
        }
      }
      STEDI_RETURN_NOT_OK(WriteCustomer(i));
      CloseSlots(i, /*all=*/false);
    }
    CloseSlots(options_.customers, /*all=*/true);
    if (options_.messy_per_million > 0) {
      for (JsonLinesFileSequence* seq : Sequences()) STEDI_RETURN_NOT_OK(seq->WriteEmptyFile());
    }
    STEDI_RETURN_NOT_OK(customers_->Finish());
    STEDI_RETURN_NOT_OK(accelerometer_->Finish());
    STEDI_RETURN_NOT_OK(step_trainer_->Finish());
    counts_.customer_landing = customers_->rows();
    counts_.accelerometer_landing = accelerometer_->rows();
    counts_.step_trainer_landing = step_trainer_->rows();
    summary->customers = customers_->rows();
    summary->accelerometer = accelerometer_->rows();
    summary->step_trainer = step_trainer_->rows();
    summary->files.clear();
    for (const auto* seq : {customers_.get(), accelerometer_.get(), step_trainer_.get()}) {
      summary->files.insert(summary->files.end(), seq->files().begin(), seq->files().end());
    }
    summary->expected = counts_;
    return Status::OK();
  }

  const ExpectedCounts& counts() const { return counts_; }

 private:
  Consent DrawConsent(uint32_t present_per_million, int64_t registration) {
    Consent c;
    if (rng_.Chance(present_per_million)) {
      c.kind = Consent::Kind::kDate;
      c.date = rng_.Chance(kConsentAtRegistration) ? registration
                                                   : registration + rng_.Between(60000, 68999);
    } else if (rng_.Chance(kNullWhenNoConsent)) {
      c.kind = Consent::Kind::kNull;
    }
    return c;
  }

  static void AppendConsent(std::string* out, std::string_view key, const Consent& c) {
    if (c.kind == Consent::Kind::kAbsent) return;
    *out += ", \"";
    *out += key;
    *out += "\": ";
    if (c.kind == Consent::Kind::kNull) {
      *out += "null";
    } else {
      AppendInt(out, c.date);
    }
  }

  int DrawBirthYear() {
    // Mostly implausible years, as in the real data (e.g. "995-01-01", "1399-01-01").
    return rng_.Chance(700000) ? static_cast<int>(rng_.Between(900, 1599))
                               : static_cast<int>(rng_.Between(1600, 2004));
  }

  int DrawReadingsPerTime() {
    // Real (user, timestamp) multiplicities: 3 for 84 %, 2 for 16 %, rarely 1, 4, 5 or 6.
    const uint64_t r = rng_.Below(1000000);
    if (r < 3000) return 1;
    if (r < 163000) return 2;
    if (r < 163500) return 4;
    if (r < 163800) return 5;
    if (r < 164000) return 6;
    return 3;
  }

  int DrawSlotCapacity() {
    // Real timestamps on several devices: 2 devices for 94.5 %, 3 for 5 %, rarely 4 or 5.
    const uint64_t r = rng_.Below(1000000);
    if (r < 945000) return 2;
    if (r < 995000) return 3;
    if (r < 998500) return 4;
    return 5;
  }

  Status WriteCustomer(int64_t index) {
    const int64_t registration =
        base_time_ + index * kRegistrationStep + rng_.Between(0, kRegistrationStep - 1);
    const std::string_view first = kFirstNames[rng_.Below(kFirstNames.size())];
    const std::string_view last = kLastNames[rng_.Below(kLastNames.size())];
    email_.assign(first);
    email_ += '.';
    email_ += last;
    AppendInt(&email_, index);
    email_ += "@test.com";
    const int birth_year = DrawBirthYear();
    serial_ = SerialNumber(Mix64(static_cast<uint64_t>(index) ^ name_salt_), rng_);
    const int64_t last_update = rng_.Chance(kUpdatedAtRegistration)
                                    ? registration
                                    : registration + rng_.Between(61000, 68999);
    const Consent research = DrawConsent(kResearchConsent, registration);
    const Consent shared_public = DrawConsent(kPublicConsent, registration);
    const Consent friends = DrawConsent(kFriendsConsent, registration);

    line_.assign("{\"customerName\": \"");
    line_ += first;
    line_ += ' ';
    line_ += last;
    line_ += "\", \"email\": \"";
    line_ += email_;
    line_ += "\", \"phone\": \"8015551212\", \"birthDay\": \"";
    AppendInt(&line_, birth_year);
    line_ += "-01-01\", \"serialNumber\": \"";
    line_ += serial_;
    line_ += "\", \"registrationDate\": ";
    AppendInt(&line_, registration);
    line_ += ", \"lastUpdateDate\": ";
    AppendInt(&line_, last_update);
    AppendConsent(&line_, "shareWithResearchAsOfDate", research);
    AppendConsent(&line_, "shareWithPublicAsOfDate", shared_public);
    AppendConsent(&line_, "shareWithFriendsAsOfDate", friends);
    line_ += '}';
    STEDI_RETURN_NOT_OK(Emit(Source::kCustomer));

    const bool trusted = research.kind == Consent::Kind::kDate;
    if (trusted) {
      ++counts_.standard.customer_trusted;
      ++counts_.since_consent.customer_trusted;
      ++counts_.rubric.customer_trusted;
    }
    if (!rng_.Chance(kHasDevice)) return Status::OK();
    return WriteReadings(index, registration, trusted, research.date);
  }

  // Lays out the customer's 30 reading times on an even grid ending 64..74 s after
  // registration (the real spacing is 2..4 s, so some readings precede the consent date),
  // then joins open shared slots and opens new ones.
  void PlanTimes(int64_t index, int64_t registration) {
    const int64_t spacing = 2048 + kTimeModulus * rng_.Between(0, 4);
    const int64_t end = registration + rng_.Between(64000, 74000);
    int64_t start = end - (kReadingTimes - 1) * spacing;
    start = start - start % kTimeModulus + index % kOwnResidues;
    for (int k = 0; k < kReadingTimes; ++k) {
      times_[k] = start + k * spacing;
      slot_of_[k] = -1;
    }
    for (size_t s = 0; s < slots_.size(); ++s) {
      SharedSlot& slot = slots_[s];
      if (slot.members >= slot.capacity || !rng_.Chance(kJoinSlot)) continue;
      const int64_t offset = slot.time - start + spacing / 2;
      if (offset < 0) continue;
      const int64_t k = offset / spacing;
      if (k >= kReadingTimes || slot_of_[k] >= 0) continue;
      times_[k] = slot.time;
      slot_of_[k] = static_cast<int>(s);
      ++slot.members;
    }
    // 0..3 new slots, 1.5 on average, at later grid times where the next customers' ranges
    // overlap.
    const int opened = static_cast<int>(rng_.Below(kMaxSlotsOpened + 1));
    for (int n = 0; n < opened; ++n) {
      const int k = kReadingTimes / 2 + static_cast<int>(rng_.Below(kReadingTimes / 2));
      if (slot_of_[k] >= 0) continue;
      SharedSlot slot;
      slot.id = next_slot_id_++;
      slot.time = times_[k] - index % kOwnResidues + kOwnResidues + slot.id % kSlotResidues;
      slot.opener = index;
      slot.members = 1;
      slot.capacity = DrawSlotCapacity();
      times_[k] = slot.time;
      slot_of_[k] = static_cast<int>(slots_.size());
      slots_.push_back(slot);
    }
  }

  Status WriteReadings(int64_t index, int64_t registration, bool trusted, int64_t consent) {
    PlanTimes(index, registration);
    for (int k = 0; k < kReadingTimes; ++k) per_time_[k] = DrawReadingsPerTime();

    // Accelerometer lines, times in a shuffled order, distinct x/y/z within one time so no
    // reading is an exact duplicate.
    ShuffledOrder(&order_);
    int64_t readings = 0;
    int64_t readings_since_consent = 0;
    int64_t times_since_consent = 0;
    for (int k : order_) {
      std::array<int, 27> xyz;
      for (int c = 0; c < 27; ++c) xyz[c] = c;
      for (int r = 0; r < per_time_[k]; ++r) {
        const int pick = r + static_cast<int>(rng_.Below(27 - r));
        std::swap(xyz[r], xyz[pick]);
        const int code = xyz[r];
        line_.assign("{\"user\":\"");
        line_ += email_;
        line_ += "\",\"timestamp\":";
        AppendInt(&line_, times_[k]);
        line_ += ",\"x\":";
        line_ += kAxisValues[code / 9];
        line_ += ",\"y\":";
        line_ += kAxisValues[(code / 3) % 3];
        line_ += ",\"z\":";
        line_ += kAxisValues[code % 3];
        line_ += '}';
        STEDI_RETURN_NOT_OK(Emit(Source::kAccelerometer));
      }
      readings += per_time_[k];
      if (trusted && times_[k] >= consent) {
        readings_since_consent += per_time_[k];
        ++times_since_consent;
      }
    }
    // One step-trainer reading at each of the customer's accelerometer times.
    ShuffledOrder(&order_);
    for (int k : order_) {
      line_.assign("{\"sensorReadingTime\":");
      AppendInt(&line_, times_[k]);
      line_ += ",\"serialNumber\":\"";
      line_ += serial_;
      line_ += "\",\"distanceFromObject\":";
      AppendInt(&line_, rng_.Between(201, 300));
      line_ += '}';
      STEDI_RETURN_NOT_OK(Emit(Source::kStepTrainer));
    }

    if (!trusted) return Status::OK();
    // Standard: the customer is curated (it has readings); each step reading joins the
    // customer's own readings at its time.
    PolicyCounts& standard = counts_.standard;
    standard.accelerometer_trusted += readings;
    ++standard.customer_curated;
    standard.step_trainer_trusted += kReadingTimes;
    standard.machine_learning_curated += readings;
    // Since-consent: only readings at or after the consent date count, and the customer is
    // curated only when one does.
    PolicyCounts& since = counts_.since_consent;
    since.accelerometer_trusted += readings_since_consent;
    if (readings_since_consent > 0) {
      ++since.customer_curated;
      since.step_trainer_trusted += times_since_consent;
      since.machine_learning_curated += readings_since_consent;
    }
    // Rubric: same tables as standard except the timestamp-only join. Own times pair only with
    // this customer; shared times are settled when their slot closes.
    PolicyCounts& rubric = counts_.rubric;
    rubric.accelerometer_trusted += readings;
    ++rubric.customer_curated;
    rubric.step_trainer_trusted += kReadingTimes;
    for (int k = 0; k < kReadingTimes; ++k) {
      if (slot_of_[k] >= 0) {
        SharedSlot& slot = slots_[slot_of_[k]];
        slot.trusted_steps += 1;
        slot.trusted_readings += per_time_[k];
      } else {
        rubric.machine_learning_curated += per_time_[k];
      }
    }
    return Status::OK();
  }

  void ShuffledOrder(std::array<int, kReadingTimes>* order) {
    for (int k = 0; k < kReadingTimes; ++k) (*order)[k] = k;
    for (int k = kReadingTimes - 1; k > 0; --k) {
      std::swap((*order)[k], (*order)[rng_.Below(static_cast<uint64_t>(k) + 1)]);
    }
  }

  // Settles slots nobody can join any more (full, or past their lifetime after customer
  // LAST_INDEX): every trusted step reading at the time pairs with every trusted reading there.
  void CloseSlots(int64_t last_index, bool all) {
    size_t kept = 0;
    for (size_t s = 0; s < slots_.size(); ++s) {
      const SharedSlot& slot = slots_[s];
      if (all || slot.members >= slot.capacity || last_index - slot.opener >= kSlotLifetime) {
        counts_.rubric.machine_learning_curated += slot.trusted_steps * slot.trusted_readings;
      } else {
        slots_[kept++] = slot;
      }
    }
    slots_.resize(kept);
  }

  enum class Source { kCustomer, kAccelerometer, kStepTrainer };

  std::array<JsonLinesFileSequence*, 3> Sequences() {
    return {customers_.get(), accelerometer_.get(), step_trainer_.get()};
  }

  // Writes line_ as the next record of SOURCE, first spoiling it with one kind of mess when
  // the mess stream says so.
  Status Emit(Source source) {
    JsonLinesFileSequence& seq = *Sequences()[static_cast<size_t>(source)];
    bool& open_line = open_line_[static_cast<size_t>(source)];
    std::string_view ending = "\n";
    if (options_.messy_per_million > 0 && mess_rng_.Chance(options_.messy_per_million)) {
      // Kinds 0..4 fit every source; the customer-only ones follow.
      const int kinds = source == Source::kCustomer ? kMessKinds : 5;
      const auto kind = static_cast<MessKind>(mess_rng_.Below(static_cast<uint64_t>(kinds)));
      ++counts_.messes[static_cast<size_t>(kind)];
      switch (kind) {
        case MessKind::kCrlf:
          ending = "\r\n";
          break;
        case MessKind::kConcatenated:
          ending = "";
          break;
        case MessKind::kTruncatedCopy:
          STEDI_RETURN_NOT_OK(seq.AppendBytes(TruncatedCopy(open_line)));
          ++counts_.quarantine;
          break;
        default:
          Spoil(source, kind);
      }
    }
    open_line = ending.empty();
    return seq.AppendRecord(line_, ending);
  }

  // line_ cut inside one of its strings (a key or a value) and ended with a line break: no
  // reader can take it for a record, and a raw line break inside a string ends it right there,
  // so it never swallows the next record. Starts on a line of its own.
  std::string TruncatedCopy(bool after_open_line) {
    std::vector<std::pair<size_t, size_t>> strings;  // [open quote, close quote]
    for (size_t i = 0; i < line_.size(); ++i) {
      if (line_[i] != '"') continue;
      const size_t close = line_.find('"', i + 1);
      if (close == std::string::npos) break;
      if (close - i >= 3) strings.emplace_back(i, close);
      i = close;
    }
    const auto [open, close] = strings[mess_rng_.Below(strings.size())];
    const size_t cut = open + 2 + mess_rng_.Below(close - open - 2);
    std::string fragment = after_open_line ? "\n" : "";
    fragment.append(line_, 0, cut);
    fragment += '\n';
    return fragment;
  }

  static void ReplaceFirst(std::string* text, std::string_view from, std::string_view to) {
    const size_t at = text->find(from);
    if (at != std::string::npos) text->replace(at, from.size(), to);
  }

  // Applies a mess that keeps the record's meaning to line_ (see MessKind).
  void Spoil(Source source, MessKind kind) {
    switch (kind) {
      case MessKind::kKeyCase:
        if (source == Source::kCustomer) ReplaceFirst(&line_, "\"email\"", "\"Email\"");
        if (source == Source::kAccelerometer) {
          ReplaceFirst(&line_, "\"timestamp\"", "\"timeStamp\"");
        }
        if (source == Source::kStepTrainer) {
          ReplaceFirst(&line_, "\"serialNumber\"", "\"SerialNumber\"");
        }
        break;
      case MessKind::kWrongType:
        if (source == Source::kCustomer) ReplaceFirst(&line_, "\"8015551212\"", "8015551212");
        if (source == Source::kAccelerometer) {
          // "x":-1.0 becomes "x":"-1.0": a string where a number belongs.
          const size_t at = line_.find("\"x\":") + 4;
          line_.insert(line_.find(',', at), "\"");
          line_.insert(at, "\"");
        }
        if (source == Source::kStepTrainer) {
          const size_t at = line_.find("\"distanceFromObject\":") + 21;
          line_.insert(line_.size() - 1, "\"");
          line_.insert(at, "\"");
        }
        break;
      case MessKind::kInvalidUtf8:
        line_.insert(std::string_view("{\"customerName\": \"").size(), "\xFF");
        break;
      case MessKind::kExtraField:
        line_.insert(line_.size() - 1, ", \"loyaltyTier\": \"gold\"");
        break;
      case MessKind::kNullField:
        ReplaceFirst(&line_, "\"phone\": \"8015551212\"", "\"phone\": null");
        break;
      case MessKind::kMissingField:
        ReplaceFirst(&line_, "\"phone\": \"8015551212\", ", "");
        break;
      default:
        break;
    }
  }

  const GeneratorOptions& options_;
  PseudoRandom rng_;
  // Messes draw from their own stream, so the clean records are the same with or without them.
  PseudoRandom mess_rng_{options_.seed ^ 0x6d657373795f3031ULL};
  std::array<bool, 3> open_line_{};  // per source: the last record ended without a line end
  int64_t base_time_ = 0;
  uint64_t name_salt_ = 0;
  std::unique_ptr<JsonLinesFileSequence> customers_;
  std::unique_ptr<JsonLinesFileSequence> accelerometer_;
  std::unique_ptr<JsonLinesFileSequence> step_trainer_;
  ExpectedCounts counts_;
  std::vector<SharedSlot> slots_;
  int64_t next_slot_id_ = 0;
  // The current customer only.
  std::string line_;
  std::string email_;
  std::string serial_;
  std::array<int64_t, kReadingTimes> times_{};
  std::array<int, kReadingTimes> slot_of_{};
  std::array<int, kReadingTimes> per_time_{};
  std::array<int, kReadingTimes> order_{};
};

}  // namespace

Status GenerateLanding(FileSystem& fs, const std::string& out_dir, const GeneratorOptions& options,
                       GeneratorSummary* summary) {
  if (options.customers < 0) {
    return Status::Invalid("generator: customers must be >= 0, got " +
                           std::to_string(options.customers));
  }
  if (options.files_per_source < 0) {
    return Status::Invalid("generator: files_per_source must be >= 0, got " +
                           std::to_string(options.files_per_source));
  }
  if (options.messy_per_million > 1000000) {
    return Status::Invalid("generator: messy_per_million must be <= 1000000, got " +
                           std::to_string(options.messy_per_million));
  }
  if (options.rows_per_file < 1) {
    return Status::Invalid("generator: rows_per_file must be >= 1, got " +
                           std::to_string(options.rows_per_file));
  }
  if (summary == nullptr) return Status::Invalid("generator: summary must not be null");
  LandingWriter writer(fs, out_dir, options);
  STEDI_RETURN_NOT_OK(writer.Run(summary).WithContext("generating landing data in " + out_dir));
  GeneratorSettings settings;
  settings.customers = options.customers;
  settings.seed = options.seed;
  settings.rows_per_file = options.rows_per_file;
  settings.files_per_source = options.files_per_source;
  settings.messy_per_million = options.messy_per_million;
  const std::string expected = ExpectedCountsToJson(writer.counts(), settings);
  STEDI_RETURN_NOT_OK(fs.WriteAll(JoinPath(out_dir, "expected.json"), expected));
  summary->files.push_back("expected.json");
  return Status::OK();
}

}  // namespace stedi
