import Foundation

/// Memory of this process as Linux reports it in `/proc/self/status`.
public enum ProcessMemory {
    /// Peak resident memory in bytes (`VmHWM`), or nil where `/proc` is unavailable.
    public static var peakBytes: Int? { field("VmHWM:") }

    /// Current resident memory in bytes (`VmRSS`), or nil where `/proc` is unavailable.
    public static var residentBytes: Int? { field("VmRSS:") }

    /// The kB value of the status line starting with `name`, in bytes.
    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
