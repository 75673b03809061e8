#include "state/entities.h"

#include "state/entity_fields.h"

namespace hegemon {

// Every field of the description (state/entity_fields.h), so a new field is
// compared as soon as it is described.
bool operator==(const Province& a, const Province& b) { return fields_equal(a, b); }
bool operator==(const Nation& a, const Nation& b) { return fields_equal(a, b); }
bool operator==(const Army& a, const Army& b) { return fields_equal(a, b); }
bool operator==(const War& a, const War& b) { return fields_equal(a, b); }

}  // namespace hegemon
