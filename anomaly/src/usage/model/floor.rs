//! Re-expressing a meter's learned values when its log floor changes.
//!
//! The floor follows the meter's mean, which is unknown at first and
//! drifts later. Medians survive a monotone change of variable exactly, so
//! each usual value is mapped through the new transform; spreads are scaled
//! by the transform's slope at their slot's usual value.

use super::Model;
use crate::usage::profile::narrow;

/// Replaces `model`'s floor with `new_floor`, carrying everything learned
/// over. The drift level is folded into the slots and starts again at 0.
pub(crate) fn remap(model: &mut Model, new_floor: f64) {
    let old_floor = model.floor;
    let level = model.level;
    let map = |log: f64| ((log.exp() - old_floor).max(0.0) + new_floor).ln();
    let slope = |log: f64| {
        let raw = (log.exp() - old_floor).max(0.0);
        (raw + old_floor) / (raw + new_floor)
    };

    let profile = &mut model.profile;
    for loc in &mut profile.week_loc {
        *loc = narrow(map(f64::from(*loc) + level));
    }
    for (loc, scale) in profile.day_loc.iter_mut().zip(profile.day_scale.iter_mut()) {
        let absolute = f64::from(*loc) + level;
        *scale = narrow(f64::from(*scale) * slope(absolute));
        *loc = narrow(map(absolute));
    }

    let overall = slope(model.all_loc);
    let shift = map(model.all_loc) - model.all_loc;
    model.all_scale *= overall;
    model.resid_scale *= overall;
    model.week_contrast *= overall * overall;
    model.day_contrast *= overall * overall;
    model.all_loc += shift;
    model.peer_level += shift;
    model.level = 0.0;
    model.floor = new_floor;
}
