#pragma once

#include <string>
#include <string_view>

#include "status/result.h"

namespace stedi {

/// The file:// URI of ABSOLUTE_PATH, as Iceberg metadata names files ("file:///lake/x").
std::string FileUri(std::string_view absolute_path);

/// The local path a file URI names. Accepts file:///p (ours, PyIceberg's), file:/p (Spark's)
/// and a plain absolute path,
/// taken as written (no %XX decoding, like PyIceberg). Invalid for any other scheme, naming it
/// (s3:// is not readable yet).
Result<std::string> LocalPathFromUri(std::string_view uri);

}  // namespace stedi
