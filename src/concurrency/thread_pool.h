#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "status/status.h"

namespace stedi {

/// Returns the number of worker threads to use by default: the machine's cores (at least 1).
size_t DefaultParallelism();

/// Runs TASK(i) for every i in [0, COUNT) on up to THREADS threads (the caller's thread is one
/// of them). Stops handing out new indexes after the first failure and returns the failure with
/// the lowest index, so the error a user sees does not depend on scheduling.
Status ParallelFor(size_t count, size_t threads, const std::function<Status(size_t)>& task);

/// Like ParallelFor, but also passes the index of the worker running the task, in
/// [0, min(THREADS, COUNT)), so tasks can keep per-worker state without locks.
Status ParallelForWorkers(size_t count, size_t threads,
                          const std::function<Status(size_t index, size_t worker)>& task);

}  // namespace stedi
