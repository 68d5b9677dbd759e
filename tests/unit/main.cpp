// The Catch2 main for detaudit's unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
