/// The value of an HDF5 attribute: a string, a number, or a 1-D array of numbers.
///
/// Reading: a scalar (or one-element) integer attribute of any width is `.int`, a float one
/// `.double`; longer numeric arrays are `.ints` / `.doubles` (unsigned values above `Int.max` are
/// clamped by HDF5's conversion); fixed- and variable-length strings are `.string`, with trailing
/// NUL padding removed. Writing: `.string` becomes a variable-length UTF-8 string (what h5py reads
/// as `str`), `.int`/`.ints` int64, `.double`/`.doubles` float64.
public enum HDF5AttributeValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case ints([Int])
    case doubles([Double])

    /// The string, or nil for a number.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer; a double that holds an integer exactly also counts. Nil otherwise.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            guard value.rounded() == value, let exact = Int(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// The number as a `Double` (an `.int` converted), or nil for strings and arrays.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}
