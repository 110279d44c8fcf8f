// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.cc - lookups by name in a Snapshot. Names come from traces, so an
 * id out of range is an ordinary answer (nullptr), not a bug.
 */
#include "model/snapshot.h"

namespace fc {

/* folio - folio @f ("f1" is index 0), or nullptr for 0 or an unknown id. */
const FolioView *Snapshot::folio(FolioId f) const
{
	if (f == 0 || f > folios.size())
		return nullptr;
	return &folios[f - 1];
}

/* proc - process @p, exited or not, or nullptr if it was never created. */
const ProcView *Snapshot::proc(ProcId p) const
{
	if (p >= procs.size())
		return nullptr;
	return &procs[p];
}

} // namespace fc
