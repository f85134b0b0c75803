import DSCReport
import Foundation
import XCTest

/// The one JSON writer: key order kept, strings escaped, non-finite numbers as null, and the
/// text reads back in Foundation's parser.
final class JSONValueTests: XCTestCase {
    func testKeyOrderEscapesAndNumbers() throws {
        let value = JSONValue.object([
            ("z", .integer(-3)), ("a", .string("q\"uo\\te\n\u{01}")), ("seed", .unsigned(UInt64.max)),
            ("x", .number(0.25)), ("whole", .number(2)), ("nan", .number(.nan)), ("inf", .number(-.infinity)),
            ("list", .array([.bool(true), .bool(false)])),
        ])
        let text = value.serialized
        XCTAssertEqual(
            text,
            #"{"z":-3,"a":"q\"uo\\te\n\u0001","seed":18446744073709551615,"x":0.25,"whole":2,"nan":null,"inf":null,"list":[true,false]}"#
        )
        let back = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(back["a"] as? String, "q\"uo\\te\n\u{01}")
        XCTAssertTrue(back["nan"] is NSNull)
    }
}
