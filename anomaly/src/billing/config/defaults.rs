//! The default of every setting, each with the reason for its value.

/// 500.00 in a two-decimal currency: the usual level above which a
/// property manager's goodwill adjustment or refund needs a second person.
pub const DEFAULT_APPROVAL_THRESHOLD_MINOR: i64 = 50_000;

/// Actor ids of automated writers (billing runs, payment imports): they are
/// held to the ledger rules but have no working hours or habits to compare.
pub const DEFAULT_SERVICE_ACTOR_PREFIXES: [&str; 3] = ["svc", "service", "system"];

/// Thirty minutes: a chain link whose predecessor has not arrived by then is
/// reported. Producers publish in chain order, so only delivery reordering
/// (seconds to minutes) separates an entry from its predecessor.
pub const DEFAULT_CHAIN_LINK_LATENESS_SECS: u64 = 1_800;

/// Fourteen days of entry ids and hashes: re-deliveries after a crash or a
/// rebalance arrive within hours, and a rewrite later than this still breaks
/// the chain it no longer fits.
pub const DEFAULT_ENTRY_MEMORY_SECS: u64 = 14 * 86_400;

/// Four hundred days: accounts are charged at least yearly, so an owner is
/// never forgotten between two charges.
pub const DEFAULT_ACCOUNT_RETENTION_SECS: u64 = 400 * 86_400;

/// Four hundred days: long enough to remember an actor across any dormancy
/// worth reporting and a whole year of working habits.
pub const DEFAULT_ACTOR_RETENTION_SECS: u64 = 400 * 86_400;

/// One day without new evidence ends an incident: a session of edits that
/// spans an evening or an overnight batch stays one incident.
pub const DEFAULT_INCIDENT_QUIET_SECS: u64 = 86_400;

/// The last 64 amounts per kind and actor: a few months of an occasional
/// editor, enough for a stable median without weighting old habits forever.
pub const DEFAULT_AMOUNT_HISTORY_MAX_COUNT: usize = 64;

/// Eight amounts of a kind before an actor's own median is trusted: with
/// fewer, the spread is too uncertain, and the largest amount (which an
/// unusual one must also exceed) says too little.
pub const DEFAULT_AMOUNT_MIN_HISTORY_COUNT: usize = 8;

/// Forty pooled amounts from peers before their baseline is used: a
/// newcomer is compared with colleagues only once those have a habit.
pub const DEFAULT_AMOUNT_PEER_MIN_HISTORY_COUNT: usize = 40;

/// 3.5 robust standard deviations of log-amount: ordinary amounts reach
/// that about once in several thousand entries.
pub const DEFAULT_AMOUNT_ROBUST_Z_THRESHOLD: f64 = 3.5;

/// With an own baseline, the amount must also stand one robust standard
/// deviation above the peers' pooled median: an amount ordinary among
/// colleagues is not unusual for one of them.
pub const DEFAULT_AMOUNT_PEER_MIN_Z: f64 = 1.0;

/// At least eight times the median, whatever the spread: a narrow history
/// (the same fee every time) must not make a doubled fee an alert, and
/// staff amounts spread widely enough that five times the median is an
/// ordinary bad week for some.
pub const DEFAULT_AMOUNT_MIN_RATIO_TO_MEDIAN: f64 = 8.0;

/// A newcomer, judged against the peers' pooled amounts only, must be ten
/// times their median: staff habits differ several-fold from one person to
/// the next, so a pooled baseline says less about one person than their
/// own would.
pub const DEFAULT_AMOUNT_COLD_START_MIN_RATIO: f64 = 10.0;

/// The smallest spread assumed, in decades of amount (0.15 is a factor of
/// 1.4): amounts are often round figures whose deviation is near zero.
pub const DEFAULT_AMOUNT_MIN_SPREAD_LOG10: f64 = 0.15;

/// Amounts from 85 % up to the threshold count as just below it: attackers
/// round down to a safe-looking figure, not to the last cent.
pub const DEFAULT_SPLITTING_BAND_PERCENT: u32 = 15;

/// One day: a split payout is booked within a working day or two, and a
/// longer window would dilute the count against the baseline rate.
pub const DEFAULT_SPLITTING_WINDOW_SECS: u64 = 86_400;

/// Three entries just below the threshold: two can be a coincidence.
pub const DEFAULT_SPLITTING_MIN_COUNT: u32 = 3;

/// Four hours: a spree is a burst, shorter than a working day.
pub const DEFAULT_WRITE_OFF_WINDOW_SECS: u64 = 4 * 3_600;

/// One hour: a spree packed into minutes stands out in a short window even
/// for an actor who writes off all day.
pub const DEFAULT_WRITE_OFF_SHORT_WINDOW_SECS: u64 = 3_600;

/// Five write-offs in the window, at the least.
pub const DEFAULT_WRITE_OFF_SPREE_MIN_COUNT: u32 = 5;

/// And more than one and a half times the actor's own largest earlier
/// count in one of the windows, so that a collections clerk's monthly batch
/// is not a spree.
pub const DEFAULT_WRITE_OFF_PEAK_FACTOR: f64 = 1.5;

/// A write-off burst is unusual when a Poisson process at the baseline
/// rate would produce that many in the window less than once in 10,000
/// windows.
pub const DEFAULT_WRITE_OFF_MAX_CHANCE: f64 = 1e-4;

/// Just-below-threshold entries are rare for anyone, so a run of them is
/// reported at a chance of one in a thousand days: the band itself
/// already singles out the pattern.
pub const DEFAULT_SPLITTING_MAX_CHANCE: f64 = 1e-3;

/// Twenty active hours before an actor's own rates are trusted.
pub const DEFAULT_RATE_MIN_ACTIVE_HOURS_COUNT: u32 = 20;

/// Ten active days before working hours are judged.
pub const DEFAULT_OFF_HOURS_MIN_ACTIVE_DAYS_COUNT: u32 = 10;

/// An hour or weekday never worked is unusual once the actor, had they
/// worked it, would have been seen there by now with this chance of
/// missing it: after about four weeks of a full-timer's weekdays, much
/// later for an occasional editor, whose empty Tuesdays prove nothing.
pub const DEFAULT_OFF_HOURS_MAX_CHANCE: f64 = 1e-3;

/// An hour never worked is judged against the hypothesis that the actor
/// spends a fifth of their active hours within its tolerance (an edge of
/// their real day would hold that much): with the default chance, that
/// takes 31 distinct active hours.
pub const DEFAULT_OFF_HOURS_MIN_SHARE: f64 = 0.2;

/// Two hours either side of any hour worked counts as worked: a long day,
/// an early start or a daylight saving change stays quiet.
pub const DEFAULT_OFF_HOURS_TOLERANCE_HOURS: u32 = 2;

/// An hour or weekday flagged on three separate days becomes part of the
/// actor's pattern: a changed schedule stops alerting after its third day.
pub const DEFAULT_OFF_HOURS_ADOPT_AFTER_DAYS_COUNT: u32 = 3;

/// Thirty-five days: longer than a four-week holiday with public holidays
/// on both sides.
pub const DEFAULT_DORMANT_AFTER_SECS: u64 = 35 * 86_400;

/// And one and a half times the actor's own longest earlier absence, so an
/// actor who only appears each quarter is not dormant between quarters.
pub const DEFAULT_DORMANT_GAP_FACTOR: f64 = 1.5;

/// Three days after a return, a money-moving entry still counts as the
/// return: the first entry back may be a harmless charge.
pub const DEFAULT_DORMANT_RETURN_WINDOW_SECS: u64 = 3 * 86_400;

/// Staff peers pooled into a baseline, at most: a stable median at a
/// bounded cost per entry.
pub const DEFAULT_PEER_MAX_COUNT: usize = 32;
