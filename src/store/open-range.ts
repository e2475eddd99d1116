/**
 * An incremental tick's ranges reach past the last id (leads that wake or arrive after the layout
 * are planned, those asleep beyond the last due one are counted), and there is one at least.
 */
export function openLastRange(ranges: { afterId: number; lastId: number }[], anyLead: boolean): void {
  if (ranges.length > 0) ranges[ranges.length - 1]!.lastId = Number.MAX_SAFE_INTEGER;
  else if (anyLead) ranges.push({ afterId: 0, lastId: Number.MAX_SAFE_INTEGER });
}
