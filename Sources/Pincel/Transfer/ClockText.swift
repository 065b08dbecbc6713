import PincelCore
import PincelWeights
import PincelImaging

/// Durations as a clock, for progress lines and ETAs.
package enum ClockText {
    /// `m:ss` below an hour, `h:mm:ss` above; a value that is not finite or is above 999 hours
    /// (an ETA from a huge iteration count on a slow start) reads `--:--` or `>999:00:00`
    /// instead of trapping in the conversion to Int. Negative values read as 0.
    package static func format(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        guard seconds < 999 * 3600 else { return ">999:00:00" }
        let s = Int(max(0, seconds).rounded())
        let (h, m, r) = (s / 3600, s / 60 % 60, s % 60)
        let mm = m < 10 ? "0\(m)" : "\(m)", ss = r < 10 ? "0\(r)" : "\(r)"
        return h > 0 ? "\(h):\(mm):\(ss)" : "\(s / 60):\(ss)"
    }
}
