/// The element type of an HDF5 dataset or attribute, as stored in the file.
///
/// Numeric types are named by width and sign, whatever the file's byte order; `float16` is any
/// 2-byte float (as NumPy's `float16`). Everything else (compound, enum — NumPy booleans are
/// stored as enums —, opaque, references, variable-length sequences, arrays) is `.other` with
/// HDF5's class name in lower case.
public enum HDF5ElementType: Equatable, Hashable, Sendable, CustomStringConvertible {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64
    case float16, float32, float64
    /// A fixed- or variable-length string.
    case string
    /// A type this module does not read, e.g. `.other("compound")`.
    case other(String)

    /// Integers of any width and sign.
    public var isInteger: Bool {
        switch self {
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64: return true
        default: return false
        }
    }

    /// Floats of any width.
    public var isFloat: Bool {
        switch self {
        case .float16, .float32, .float64: return true
        default: return false
        }
    }

    /// Integers and floats: the types that read as a matrix of `Float`.
    public var isNumeric: Bool { isInteger || isFloat }

    /// The NumPy-style name: `float32`, `uint8`, `string`, or the HDF5 class name for `.other`.
    public var description: String {
        switch self {
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .int16: return "int16"
        case .uint16: return "uint16"
        case .int32: return "int32"
        case .uint32: return "uint32"
        case .int64: return "int64"
        case .uint64: return "uint64"
        case .float16: return "float16"
        case .float32: return "float32"
        case .float64: return "float64"
        case .string: return "string"
        case .other(let name): return name
        }
    }
}
