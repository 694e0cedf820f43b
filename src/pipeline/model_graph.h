#pragma once

#include <string>
#include <vector>

#include "pipeline/model_set.h"
#include "status/result.h"

namespace stedi {

/// Orders MODELS so that each comes after the models whose tables it reads (the tables named
/// by its SQL, restricted to those MODELS build), and fills each Model::dependencies. Ties keep
/// the input order. Errors name the model file: Invalid for SQL that does not parse, for a
/// table that neither a model builds nor EXISTING_TABLES holds, and for a cycle (naming it).
Result<std::vector<Model>> OrderModels(std::vector<Model> models,
                                       const std::vector<std::string>& existing_tables);

}  // namespace stedi
