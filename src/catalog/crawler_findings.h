#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog_entries.h"

namespace stedi {

/// What a crawler would infer for one column of a landing source, over all its files.
struct FieldSummary {
  std::string column;                  ///< Lower-cased field name.
  std::vector<std::string> spellings;  ///< Every spelling seen, in order of first sighting.
  std::string json_types;              ///< Union of the JSON kinds seen, e.g. "integer|null".
  bool nullable = false;    ///< A null was seen, or some record (or whole file) lacks the field.
  int64_t files_seen = 0;   ///< Files in which at least one record holds the field.
  int64_t files_total = 0;  ///< Files of the source that yielded records.
  std::vector<std::string> files_missing;  ///< Files (of files_total) without the field.

  bool operator==(const FieldSummary&) const = default;
};

/// One difference between the files of a landing source, worded for people.
struct DriftNote {
  std::string source;
  std::string message;

  bool operator==(const DriftNote&) const = default;
};

/// Summarises OBSERVATIONS of the landing files FILES (all of one source, in ingest order)
/// into one entry per column, in order of first sighting. Files that yielded no record are
/// left out of files_total, since they tell nothing about fields.
std::vector<FieldSummary> SummarizeFieldObservations(
    const std::vector<SourceFile>& files, const std::vector<FieldObservation>& observations);

/// Lists the schema drift between the files of one source: a field spelled differently
/// (case), a field whose non-null JSON kinds differ, a field absent from some files. Notes
/// come per column in order of first sighting (named by its first spelling), in that order of
/// kinds. Groups of files are named smallest first, the biggest as "N other files", e.g.
/// "field timeStamp spelled 'timeStamp' in a.json and 'timestamp' in 8 other files".
std::vector<DriftNote> FindSchemaDrift(const std::vector<SourceFile>& files,
                                       const std::vector<FieldObservation>& observations);

}  // namespace stedi
