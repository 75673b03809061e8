// The CAF unit-test engine and main() for every suite binary.
#include <caf/test/unit_test_impl.hpp>
