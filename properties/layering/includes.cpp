// SPDX-License-Identifier: MIT
// Built only by the layering test: one header, from a target that sees the
// headers of one layer and of those below it.
#include LAYERING_HEADER
