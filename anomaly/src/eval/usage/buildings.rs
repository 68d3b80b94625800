//! What kinds of buildings the generated meters are in: the shape of their
//! day, week and noise.

/// A building type, with the shape of its consumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Building {
    /// A home: base load, a morning and an evening peak, appliances
    /// switching on at random; later and fuller days at weekends.
    Household,
    /// An office: busy on weekday working hours, a fifth of that at night
    /// and at weekends.
    Office,
    /// A shop: open every day from late morning to evening, shorter on
    /// Sundays.
    Shop,
}

/// The kind of day, for the day's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayType {
    Workday,
    Saturday,
    Sunday,
}

impl Building {
    /// Mean power in kW at fractional hour `hour` of a day of `day` type,
    /// before noise, for a building of size 1.
    pub(crate) fn power(self, hour: f64, day: DayType) -> f64 {
        match self {
            Self::Household => household(hour, day),
            Self::Office => office(hour, day),
            Self::Shop => shop(hour, day),
        }
    }

    /// Log-space standard deviation of the slow (minutes to hours) and the
    /// per-minute noise.
    pub(crate) fn noise(self) -> (f64, f64) {
        match self {
            Self::Household => (0.15, 0.12),
            Self::Office => (0.06, 0.04),
            Self::Shop => (0.08, 0.05),
        }
    }

    /// Appliance switch-ons per waking minute, and their power in kW.
    pub(crate) fn appliances(self) -> (f64, f64) {
        match self {
            Self::Household => (1.0 / 150.0, 1.8),
            Self::Office | Self::Shop => (0.0, 0.0),
        }
    }
}

fn bump(hour: f64, centre: f64, width: f64) -> f64 {
    let d = (hour - centre) / width;
    (-0.5 * d * d).exp()
}

/// A smooth step from 0 to 1 around `at`, over about `width` hours.
fn ramp(hour: f64, at: f64, width: f64) -> f64 {
    1.0 / (1.0 + (-(hour - at) / width).exp())
}

fn household(hour: f64, day: DayType) -> f64 {
    let base = 0.25;
    match day {
        DayType::Workday => base + 0.6 * bump(hour, 7.3, 0.8) + 1.0 * bump(hour, 19.5, 1.8),
        DayType::Saturday | DayType::Sunday => {
            base + 0.5 * bump(hour, 9.5, 1.2)
                + 0.35 * bump(hour, 13.5, 2.5)
                + 1.0 * bump(hour, 19.0, 2.0)
        }
    }
}

fn office(hour: f64, day: DayType) -> f64 {
    let night = 0.2;
    match day {
        DayType::Workday => {
            let open = ramp(hour, 7.5, 0.4) * (1.0 - ramp(hour, 18.5, 0.5));
            night + 0.8 * open * (1.0 - 0.1 * bump(hour, 12.5, 0.6))
        }
        DayType::Saturday | DayType::Sunday => night + 0.03 * bump(hour, 12.0, 3.0),
    }
}

fn shop(hour: f64, day: DayType) -> f64 {
    let closed = 0.15;
    let (opens, closes) = match day {
        DayType::Workday | DayType::Saturday => (9.5, 20.5),
        DayType::Sunday => (11.0, 17.0),
    };
    let open = ramp(hour, opens, 0.3) * (1.0 - ramp(hour, closes, 0.3));
    closed + 0.85 * open * (0.9 + 0.1 * bump(hour, 17.0, 2.0))
}
