// Fitting a burst or digest into one message: the largest number of alerts whose rendering stays
// within the service's limits, the rest counted in a "…and N more not shown" line. Pure.

/**
 * The largest n in [0, total] for which `fits(n)` holds, assuming that fewer alerts never take more
 * room (binary search: a few renderings, not one per alert). 0 when even one alert does not fit.
 */
export function fitCount(total: number, fits: (n: number) => boolean): number {
  if (fits(total)) return total
  let lo = 0
  let hi = total - 1
  let best = 0
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (mid === 0 || fits(mid)) {
      best = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return best
}
