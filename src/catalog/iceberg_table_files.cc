#include "catalog/iceberg_table_files.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <set>

#include "formats/iceberg/iceberg_schema.h"
#include "formats/iceberg/manifest.h"
#include "storage/file_uri.h"
#include "storage/unique_names.h"

namespace stedi {
namespace {

// Positive 63-bit: Iceberg snapshot ids are longs, and -1 means "none".
int64_t NewSnapshotId() {
  int64_t id = 0;
  while (id == 0) id = static_cast<int64_t>(RandomBits() >> 1);
  return id;
}

// The version number a metadata file name starts with ("00003-<uuid>.metadata.json" → 3),
// or -1 when it has none (files written by tools with other conventions).
int MetadataVersion(std::string_view location) {
  std::string_view name = BaseName(location);
  int version = 0;
  size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') {
    version = version * 10 + (name[digits] - '0');
    ++digits;
  }
  return digits > 0 && digits < name.size() && name[digits] == '-' ? version : -1;
}

int64_t DataRows(const iceberg::ManifestFile& m) {
  return m.content == 0 ? m.added_rows_count + m.existing_rows_count : 0;
}

int64_t DataFiles(const iceberg::ManifestFile& m) {
  return m.content == 0 ? m.added_files_count + m.existing_files_count : 0;
}

std::string MetadataFolderUri(const iceberg::TableMetadata& m) {
  return m.location + (m.location.ends_with('/') ? "metadata/" : "/metadata/");
}

iceberg::ManifestEntry AddedEntry(const DataFile& f, const std::string& lake_root,
                                  int64_t snapshot_id, int64_t sequence_number) {
  iceberg::ManifestEntry e;
  e.status = iceberg::EntryStatus::kAdded;
  e.snapshot_id = snapshot_id;
  e.sequence_number = sequence_number;
  e.file_sequence_number = sequence_number;
  e.file.file_path = FileUri(JoinPath(lake_root, f.path));
  e.file.record_count = f.rows;
  e.file.file_size_in_bytes = static_cast<int64_t>(f.bytes);
  e.file.metrics = f.metrics;
  return e;
}

}  // namespace

Result<const iceberg::Snapshot*> SelectSnapshot(const iceberg::TableMetadata& metadata,
                                                const SnapshotSelector& selector,
                                                std::string_view table) {
  if (selector.snapshot_id) {
    if (const iceberg::Snapshot* s = metadata.FindSnapshot(*selector.snapshot_id)) return s;
    std::string known;
    for (const iceberg::Snapshot& s : metadata.snapshots) {
      known += (known.empty() ? "" : ", ") + std::to_string(s.snapshot_id);
    }
    return Status::NotFound("table " + std::string(table) + " has no snapshot " +
                            std::to_string(*selector.snapshot_id) + " (it has " +
                            (known.empty() ? std::string("none") : known) +
                            "; see `stedi history`)");
  }
  if (selector.as_of_ms) {
    // The snapshot log records when each snapshot became current (rollbacks included).
    const iceberg::Snapshot* found = nullptr;
    int64_t found_at = INT64_MIN;
    for (const iceberg::SnapshotLogEntry& e : metadata.snapshot_log) {
      if (e.timestamp_ms <= *selector.as_of_ms && e.timestamp_ms >= found_at) {
        if (const iceberg::Snapshot* s = metadata.FindSnapshot(e.snapshot_id)) {
          found = s;
          found_at = e.timestamp_ms;
        }
      }
    }
    if (!found) {
      return Status::NotFound("table " + std::string(table) +
                              " had no snapshot at or before the requested time (" +
                              std::to_string(*selector.as_of_ms) + " ms since the epoch)");
    }
    return found;
  }
  return metadata.current_snapshot();
}

Result<iceberg::TableMetadata> ReadTableMetadata(FileSystem& fs, const std::string& location) {
  STEDI_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(location));
  STEDI_ASSIGN_OR_RETURN(std::string text, fs.ReadAll(path));
  return iceberg::ParseTableMetadata(text, path);
}

Result<std::vector<iceberg::DataFileInfo>> SnapshotDataFiles(FileSystem& fs,
                                                             const iceberg::Snapshot& snapshot) {
  STEDI_ASSIGN_OR_RETURN(std::string list_path, LocalPathFromUri(snapshot.manifest_list));
  STEDI_ASSIGN_OR_RETURN(auto manifests, iceberg::ReadManifestList(fs, list_path));
  std::vector<iceberg::DataFileInfo> files;
  for (const iceberg::ManifestFile& m : manifests) {
    STEDI_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(m.manifest_path));
    if (m.content != 0) {
      return Status::NotImplemented(path + ": delete files (merge-on-read) are not supported yet");
    }
    STEDI_ASSIGN_OR_RETURN(auto entries, iceberg::ReadManifest(fs, path, m));
    for (iceberg::ManifestEntry& e : entries) {
      if (e.status == iceberg::EntryStatus::kDeleted) continue;
      if (e.file.content != 0) {
        return Status::NotImplemented(path + ": delete files are not supported yet");
      }
      files.push_back(std::move(e.file));
    }
  }
  return files;
}

Result<WrittenMetadata> WriteMetadataFile(FileSystem& fs, const iceberg::TableMetadata& metadata,
                                          const std::optional<std::string>& previous_location,
                                          const std::string& file_uuid) {
  STEDI_ASSIGN_OR_RETURN(std::string table_dir, LocalPathFromUri(metadata.location));
  int version = previous_location ? MetadataVersion(*previous_location) + 1 : 0;
  char prefix[16];
  std::snprintf(prefix, sizeof(prefix), "%05d-", std::max(version, 0));
  std::string name = prefix + (file_uuid.empty() ? RandomUuid() : file_uuid) + ".metadata.json";
  WrittenMetadata out;
  out.location = MetadataFolderUri(metadata) + name;
  out.path = JoinPath(JoinPath(table_dir, "metadata"), name);
  STEDI_ASSIGN_OR_RETURN(auto file, fs.OpenForWrite(out.path, SyncMode::kDeferred));
  STEDI_RETURN_NOT_OK(file->Append(iceberg::TableMetadataToJson(metadata)));
  STEDI_RETURN_NOT_OK(file->Close());
  return out;
}

Result<iceberg::TableMetadata> RollbackMetadata(iceberg::TableMetadata metadata,
                                                int64_t snapshot_id,
                                                const std::string& current_location, int64_t now_ms,
                                                std::string_view table) {
  SnapshotSelector selector;
  selector.snapshot_id = snapshot_id;
  STEDI_RETURN_NOT_OK(SelectSnapshot(metadata, selector, table).status());
  metadata.metadata_log.push_back({metadata.last_updated_ms, current_location});
  metadata.current_snapshot_id = snapshot_id;
  metadata.last_updated_ms = now_ms;
  metadata.snapshot_log.push_back({now_ms, snapshot_id});
  return metadata;
}

namespace {

// Every file SNAPSHOT reaches: its manifest list, manifests and data files (local paths).
Status AddSnapshotFiles(FileSystem& fs, const iceberg::Snapshot& snapshot,
                        std::set<std::string>* out) {
  STEDI_ASSIGN_OR_RETURN(std::string list_path, LocalPathFromUri(snapshot.manifest_list));
  out->insert(list_path);
  STEDI_ASSIGN_OR_RETURN(auto manifests, iceberg::ReadManifestList(fs, list_path));
  for (const iceberg::ManifestFile& m : manifests) {
    STEDI_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(m.manifest_path));
    out->insert(path);
    STEDI_ASSIGN_OR_RETURN(auto entries, iceberg::ReadManifest(fs, path, m));
    for (const iceberg::ManifestEntry& e : entries) {
      STEDI_ASSIGN_OR_RETURN(std::string data, LocalPathFromUri(e.file.file_path));
      out->insert(data);
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::set<std::string>> ReachableFiles(FileSystem& fs, const iceberg::TableMetadata& metadata,
                                             const std::string& location) {
  std::set<std::string> out;
  STEDI_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(location));
  out.insert(path);
  for (const iceberg::MetadataLogEntry& e : metadata.metadata_log) {
    STEDI_ASSIGN_OR_RETURN(std::string logged, LocalPathFromUri(e.metadata_file));
    out.insert(logged);
  }
  for (const iceberg::Snapshot& s : metadata.snapshots) {
    STEDI_RETURN_NOT_OK(AddSnapshotFiles(fs, s, &out));
  }
  return out;
}

bool IsAbandonedTempFile(std::string_view name) {
  size_t at = name.rfind(".tmp-");
  if (at == std::string_view::npos) return false;
  std::string_view rest = name.substr(at + 5);
  size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos) return false;
  pid_t pid = 0;
  for (char c : rest.substr(0, dash)) {
    if (c < '0' || c > '9') return false;
    pid = pid * 10 + (c - '0');
  }
  // ESRCH: no such process. A live process of that id (even an unrelated one that reused it)
  // keeps the file: deleting a file someone may still rename into place is never safe.
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

Result<std::optional<ExpiryPlan>> PlanExpiry(FileSystem& fs, const iceberg::TableMetadata& metadata,
                                             const std::string& current_location, int64_t cutoff_ms,
                                             int64_t now_ms) {
  ExpiryPlan plan;
  plan.metadata = metadata;
  iceberg::TableMetadata& m = plan.metadata;
  std::set<std::string> retained, candidates;
  m.snapshots.clear();
  for (const iceberg::Snapshot& s : metadata.snapshots) {
    const bool current = metadata.current_snapshot_id == s.snapshot_id;
    if (!current && s.timestamp_ms < cutoff_ms) {
      plan.expired.push_back(s.snapshot_id);
      STEDI_RETURN_NOT_OK(AddSnapshotFiles(fs, s, &candidates));
    } else {
      m.snapshots.push_back(s);
      STEDI_RETURN_NOT_OK(AddSnapshotFiles(fs, s, &retained));
    }
  }
  std::vector<iceberg::MetadataLogEntry> kept_log;
  for (const iceberg::MetadataLogEntry& e : metadata.metadata_log) {
    if (e.timestamp_ms < cutoff_ms && e.metadata_file != current_location) {
      STEDI_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(e.metadata_file));
      candidates.insert(path);
    } else {
      kept_log.push_back(e);
    }
  }
  if (plan.expired.empty() && kept_log.size() == metadata.metadata_log.size()) {
    return std::optional<ExpiryPlan>();
  }
  std::erase_if(m.snapshot_log, [&](const iceberg::SnapshotLogEntry& e) {
    return std::find(plan.expired.begin(), plan.expired.end(), e.snapshot_id) != plan.expired.end();
  });
  m.metadata_log = std::move(kept_log);
  m.last_updated_ms = now_ms;
  // The metadata file this expiry replaces is not logged: it names the expired snapshots, so
  // it goes too, and a second expiry finds nothing left to do.
  STEDI_ASSIGN_OR_RETURN(std::string current_path, LocalPathFromUri(current_location));
  candidates.insert(current_path);
  for (const std::string& path : candidates) {
    if (!retained.count(path)) plan.deletable.push_back(path);
  }
  return std::optional<ExpiryPlan>(std::move(plan));
}

Result<std::optional<PreparedSnapshot>> WriteIcebergSnapshot(FileSystem& fs,
                                                             const std::string& lake_root,
                                                             const TableChange& change,
                                                             const SnapshotBase& base,
                                                             int64_t now_ms) {
  const bool append = change.mode == TableChange::Mode::kAppend;
  iceberg::TableMetadata m;
  std::vector<iceberg::ManifestFile> kept;
  bool schema_changed = true;
  if (base.metadata_location) {
    if (base.metadata) {
      m = *base.metadata;
    } else {
      STEDI_ASSIGN_OR_RETURN(m, ReadTableMetadata(fs, *base.metadata_location));
    }
    const iceberg::Snapshot* current = m.current_snapshot();
    // A replace needs only the current totals, which the snapshot summary carries.
    if (current && (append || !current->total_records() || !current->total_data_files())) {
      STEDI_ASSIGN_OR_RETURN(std::string list_path, LocalPathFromUri(current->manifest_list));
      STEDI_ASSIGN_OR_RETURN(kept, iceberg::ReadManifestList(fs, list_path));
    }
    schema_changed = !(m.current_schema() && *m.current_schema() == change.schema);
    if (append && change.files.empty() && !schema_changed) {
      return std::optional<PreparedSnapshot>();
    }
  } else {
    m.table_uuid = RandomUuid();
    m.location = FileUri(JoinPath(lake_root, change.location));
    m.properties = {{"write.format.default", "parquet"}};
  }
  if (schema_changed) {
    int id = 0;
    for (const auto& [schema_id, s] : m.schemas) id = std::max(id, schema_id + 1);
    m.schemas.emplace_back(id, change.schema);
    m.current_schema_id = id;
    m.last_column_id = std::max(m.last_column_id, iceberg::MaxFieldId(change.schema));
  }

  STEDI_ASSIGN_OR_RETURN(std::string table_dir, LocalPathFromUri(m.location));
  const std::string metadata_dir = JoinPath(table_dir, "metadata");
  const std::string metadata_uri = MetadataFolderUri(m);
  PreparedSnapshot prepared;
  prepared.table = change.table;
  prepared.previous_location = base.metadata_location;
  prepared.snapshot_id = NewSnapshotId();
  const int64_t sequence_number = m.last_sequence_number + 1;
  const std::string commit_uuid = RandomUuid();

  int64_t previous_rows = 0, previous_files = 0;
  for (const iceberg::ManifestFile& k : kept) {
    previous_rows += DataRows(k);
    previous_files += DataFiles(k);
  }
  if (kept.empty() && m.current_snapshot()) {
    previous_rows = m.current_snapshot()->total_records().value_or(0);
    previous_files = m.current_snapshot()->total_data_files().value_or(0);
  }
  std::vector<iceberg::ManifestFile> manifests;
  std::vector<iceberg::ManifestEntry> entries;
  for (const DataFile& f : base.legacy_files) {
    entries.push_back(AddedEntry(f, lake_root, prepared.snapshot_id, sequence_number));
  }
  int64_t added_rows = 0, added_bytes = 0;
  for (const DataFile& f : change.files) {
    entries.push_back(AddedEntry(f, lake_root, prepared.snapshot_id, sequence_number));
  }
  for (const iceberg::ManifestEntry& e : entries) {
    added_rows += e.file.record_count;
    added_bytes += e.file.file_size_in_bytes;
  }
  if (!entries.empty()) {
    std::string name = commit_uuid + "-m0.avro";
    iceberg::ManifestContext context{change.schema, m.current_schema_id, prepared.snapshot_id,
                                     sequence_number};
    prepared.written.push_back(JoinPath(metadata_dir, name));
    STEDI_ASSIGN_OR_RETURN(
        iceberg::ManifestFile manifest,
        iceberg::WriteManifest(fs, prepared.written.back(), metadata_uri + name, context, entries));
    manifests.push_back(std::move(manifest));
  }
  if (append) manifests.insert(manifests.end(), kept.begin(), kept.end());

  iceberg::Snapshot snapshot;
  snapshot.snapshot_id = prepared.snapshot_id;
  snapshot.parent_snapshot_id = m.current_snapshot_id;
  snapshot.sequence_number = sequence_number;
  snapshot.timestamp_ms = now_ms;
  snapshot.schema_id = m.current_schema_id;
  std::string list_name =
      "snap-" + std::to_string(prepared.snapshot_id) + "-1-" + commit_uuid + ".avro";
  snapshot.manifest_list = metadata_uri + list_name;
  prepared.written.push_back(JoinPath(metadata_dir, list_name));
  STEDI_RETURN_NOT_OK(iceberg::WriteManifestList(fs, prepared.written.back(), prepared.snapshot_id,
                                                 m.current_snapshot_id, sequence_number,
                                                 manifests));
  const bool overwrite = !append && m.current_snapshot_id.has_value();
  int64_t total_rows = added_rows + (append ? previous_rows : 0);
  int64_t total_files = static_cast<int64_t>(entries.size()) + (append ? previous_files : 0);
  snapshot.summary = {{"operation", overwrite ? "overwrite" : "append"},
                      {"added-data-files", std::to_string(entries.size())},
                      {"added-records", std::to_string(added_rows)},
                      {"added-files-size", std::to_string(added_bytes)},
                      {"total-data-files", std::to_string(total_files)},
                      {"total-records", std::to_string(total_rows)},
                      {"total-delete-files", "0"},
                      {"total-position-deletes", "0"},
                      {"total-equality-deletes", "0"}};
  if (overwrite) {
    snapshot.summary["deleted-data-files"] = std::to_string(previous_files);
    snapshot.summary["deleted-records"] = std::to_string(previous_rows);
  }

  if (base.metadata_location) {
    m.metadata_log.push_back({m.last_updated_ms, *base.metadata_location});
  }
  m.snapshots.push_back(std::move(snapshot));
  m.current_snapshot_id = prepared.snapshot_id;
  m.last_sequence_number = sequence_number;
  m.last_updated_ms = now_ms;
  m.snapshot_log.push_back({now_ms, prepared.snapshot_id});

  STEDI_ASSIGN_OR_RETURN(WrittenMetadata written,
                         WriteMetadataFile(fs, m, base.metadata_location, commit_uuid));
  prepared.metadata_location = written.location;
  prepared.written.push_back(written.path);
  if (!append || kept.empty()) {
    auto files = std::make_shared<std::vector<iceberg::DataFileInfo>>();
    for (iceberg::ManifestEntry& e : entries) files->push_back(std::move(e.file));
    prepared.files = std::move(files);
  }
  prepared.metadata = std::make_shared<const iceberg::TableMetadata>(std::move(m));
  return std::optional<PreparedSnapshot>(std::move(prepared));
}

}  // namespace stedi
