// WGS84 <-> GCJ-02, the same public algorithm as geo/coords.py. Points are [lon, lat] in degrees.
// Amap, Tencent and Baidu (with coord_type=gcj02) take GCJ-02; GPS, OSM and our API use WGS84.

const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.00669342162296594323;
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 30;

export function outsideChina(lon, lat) {
  return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
}

function shiftMetres(x, y) {
  const pi = Math.PI;
  const wobble = ((20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2) / 3;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + wobble;
  dLat += ((20 * Math.sin(y * pi) + 40 * Math.sin((y / 3) * pi)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * pi) + 320 * Math.sin((y / 30) * pi)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + wobble;
  dLon += ((20 * Math.sin(x * pi) + 40 * Math.sin((x / 3) * pi)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * pi) + 300 * Math.sin((x / 30) * pi)) * 2) / 3;
  return [dLon, dLat];
}

function gcjShift(lon, lat) {
  const [dLonM, dLatM] = shiftMetres(lon - 105, lat - 35);
  const radLat = (lat * Math.PI) / 180;
  const magic = 1 - KRASOVSKY_EE * Math.sin(radLat) ** 2;
  const latDegreeM = (KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * Math.sqrt(magic)) * (Math.PI / 180);
  const lonDegreeM = (KRASOVSKY_A / Math.sqrt(magic)) * Math.cos(radLat) * (Math.PI / 180);
  return [lon + dLonM / lonDegreeM, lat + dLatM / latDegreeM];
}

export function wgs84ToGcj02(lon, lat) {
  if (outsideChina(lon, lat)) return [lon, lat];
  return gcjShift(lon, lat);
}

// The inverse has no closed form: fixed-point iteration until the forward shift reproduces the input.
export function gcj02ToWgs84(lon, lat) {
  if (outsideChina(lon, lat)) return [lon, lat];
  let guess = [lon, lat];
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i += 1) {
    const [outLon, outLat] = gcjShift(guess[0], guess[1]);
    const errLon = outLon - lon;
    const errLat = outLat - lat;
    if (Math.abs(errLon) < INVERSE_TOLERANCE_DEG && Math.abs(errLat) < INVERSE_TOLERANCE_DEG) break;
    guess = [guess[0] - errLon, guess[1] - errLat];
  }
  return guess;
}
