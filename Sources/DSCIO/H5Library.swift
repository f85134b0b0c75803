import CHDF5
import Foundation

// The C boundary of DSCIO: this file and the `H5File` files are the only ones that call libhdf5.
// They turn status codes into `HDF5Error`s and close every id they open with `defer`.

/// Process-wide access to libhdf5.
///
/// The serial HDF5 build is not thread-safe, so every call into the library goes through
/// `H5.call`, which holds one recursive lock. The first call initialises the library and turns
/// off HDF5's own printing of error stacks (failures become Swift errors instead).
enum H5 {
    private static let lock = NSRecursiveLock()
    private static let initialised: Bool = {
        _ = H5open()
        dsc_h5_silence_errors()
        return true
    }()
    private nonisolated(unsafe) static var temporaryCounter = 0

    /// Runs `body` holding the library lock.
    static func call<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        return try body()
    }

    /// A number unique within this process, for temporary file names.
    static func nextTemporaryNumber() -> Int {
        call {
            temporaryCounter += 1
            return temporaryCounter
        }
    }

    /// How many objects are open in any file: files, datasets, groups, committed datatypes and
    /// attributes (HDF5 does not let callers count transient dataspaces or datatypes). Tests
    /// compare it before and after work to check that those ids were closed.
    static func openObjectCount() -> Int {
        call { Int(dsc_h5f_open_object_count()) }
    }

    /// The innermost description on HDF5's error stack after a failed call, e.g.
    /// `"unable to open file"`, or only the system's message (`"No such file or directory"`) when
    /// the description quotes one; nil when the stack is empty. Call it under the lock, right after
    /// the failure (the next API call clears the stack).
    static func lastErrorDescription() -> String? {
        final class Box { var text: String? }
        let box = Box()
        let walker: H5E_walk2_t = { _, entry, context in
            guard let entry, let context, let desc = entry.pointee.desc else { return 0 }
            let text = String(cString: desc)
            if !text.isEmpty { Unmanaged<Box>.fromOpaque(context).takeUnretainedValue().text = text }
            return 0
        }
        let context = Unmanaged.passUnretained(box).toOpaque()
        _ = H5Ewalk2(0 /* H5E_DEFAULT */, H5E_WALK_DOWNWARD, walker, context)
        withExtendedLifetime(box) {}
        guard let text = box.text else { return nil }
        // File-system failures carry the system's message: "…, error message = 'No space left on device', …".
        if let start = text.range(of: "error message = '"),
            let end = text[start.upperBound...].firstIndex(of: "'")
        {
            return String(text[start.upperBound..<end])
        }
        return text
    }
}

/// The in-memory element types that DSCIO reads into and writes from.
enum H5Native {
    case float32, float64, int8, uint8, int16, int32, int64, uint64

    /// HDF5's native type id (owned by the library: never closed).
    var id: hid_t {
        switch self {
        case .float32: return dsc_h5t_native_float()
        case .float64: return dsc_h5t_native_double()
        case .int8: return dsc_h5t_native_int8()
        case .uint8: return dsc_h5t_native_uint8()
        case .int16: return dsc_h5t_native_int16()
        case .int32: return dsc_h5t_native_int32()
        case .int64: return dsc_h5t_native_int64()
        case .uint64: return dsc_h5t_native_uint64()
        }
    }

    /// Bytes per element.
    var size: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16: return 2
        case .float32, .int32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }
}

/// The element type of the HDF5 datatype `type` (a dataset's or an attribute's).
func h5ElementType(_ type: hid_t) -> HDF5ElementType {
    let size = H5Tget_size(type)
    switch H5Tget_class(type) {
    case H5T_INTEGER:
        let signed = H5Tget_sign(type) != H5T_SGN_NONE
        switch size {
        case 1: return signed ? .int8 : .uint8
        case 2: return signed ? .int16 : .uint16
        case 4: return signed ? .int32 : .uint32
        case 8: return signed ? .int64 : .uint64
        default: return .other("\(signed ? "int" : "uint")\(size * 8)")
        }
    case H5T_FLOAT:
        switch size {
        case 2: return .float16
        case 4: return .float32
        case 8: return .float64
        default: return .other("float\(size * 8)")
        }
    case H5T_STRING: return .string
    case H5T_COMPOUND: return .other("compound")
    case H5T_ENUM: return .other("enum")
    case H5T_BITFIELD: return .other("bitfield")
    case H5T_OPAQUE: return .other("opaque")
    case H5T_REFERENCE: return .other("reference")
    case H5T_VLEN: return .other("variable-length sequence")
    case H5T_ARRAY: return .other("array")
    case H5T_TIME: return .other("time")
    default: return .other("unknown")
    }
}

/// The extent of the dataspace `space`: `[]` for a scalar or null dataspace.
func h5Shape(_ space: hid_t) -> [Int] {
    let rank = Int(H5Sget_simple_extent_ndims(space))
    guard rank > 0 else { return [] }
    var dims = [hsize_t](repeating: 0, count: rank)
    _ = H5Sget_simple_extent_dims(space, &dims, nil)
    return dims.map { Int($0) }
}

/// A simple dataspace of `shape` (scalar when `shape` is empty); the caller closes it.
func h5CreateSpace(_ shape: [Int]) -> hid_t {
    if shape.isEmpty { return H5Screate(H5S_SCALAR) }
    let dims = shape.map { hsize_t($0) }
    return H5Screate_simple(Int32(dims.count), dims, nil)
}
