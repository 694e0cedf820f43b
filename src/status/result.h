#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "status/status.h"

namespace stedi {

/// Holds either a value of T or the non-OK Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : storage_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(storage_).ok() && "Result built from an OK Status");
    if (std::get<Status>(storage_).ok()) {
      storage_ = Status::Internal("Result constructed from an OK Status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(storage_); }
  /// Returns OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(storage_); }

  /// Accessors; call only when ok().
  const T& value() const& { return std::get<T>(storage_); }
  T& value() & { return std::get<T>(storage_); }
  T&& value() && { return std::get<T>(std::move(storage_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  /// Moves the value out; call only when ok().
  T MoveValue() { return std::get<T>(std::move(storage_)); }

 private:
  std::variant<Status, T> storage_;
};

}  // namespace stedi

#define STEDI_CONCAT_INNER(a, b) a##b
#define STEDI_CONCAT(a, b) STEDI_CONCAT_INNER(a, b)

// NOLINTBEGIN(bugprone-macro-parentheses): TMP is a fresh name and LHS may be a declaration.
#define STEDI_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

/// Evaluates REXPR (a Result); returns its Status when not OK, else assigns its value to LHS,
/// which may be a declaration (`auto x`).
#define STEDI_ASSIGN_OR_RETURN(lhs, rexpr) \
  STEDI_ASSIGN_OR_RETURN_IMPL(STEDI_CONCAT(stedi_result_, __LINE__), lhs, rexpr)
