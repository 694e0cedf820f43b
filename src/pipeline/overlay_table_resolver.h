#pragma once

#include <map>
#include <memory>
#include <string>

#include "sql/table_resolver.h"

namespace stedi {

/// Resolves the tables a run has built but not yet published to their new files, and every
/// other name through BASE (the catalog). Time travel applies to published tables only.
class OverlayTableResolver final : public sql::TableResolver {
 public:
  explicit OverlayTableResolver(std::unique_ptr<sql::TableResolver> base)
      : base_(std::move(base)) {}

  /// Makes SOURCE (its name lower-case) shadow the published table of the same name.
  void Add(sql::TableSource source);

  const std::string& database() const override { return base_->database(); }
  Result<sql::TableSource> Resolve(std::string_view name,
                                   const std::optional<sql::TimeTravel>& time_travel) override;
  Result<std::vector<std::string>> TableNames() override;

 private:
  std::unique_ptr<sql::TableResolver> base_;
  std::map<std::string, sql::TableSource> built_;
};

}  // namespace stedi
