//! Distances on the globe.

/// The mean radius of the earth, in km.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// The great-circle distance between two points given in degrees, in km,
/// by the haversine formula: accurate to well under 1 % for any two points,
/// which is far finer than address geolocation.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();

    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}
