#include "float_stats_isa.hpp"
#include "kernels/common/float_bits.hpp"
#define DETAUDIT_FLOAT_STATS_BYTES 16
#define DETAUDIT_FLOAT_STATS_OPS ops_default
#include "float_stats_body.hpp"
