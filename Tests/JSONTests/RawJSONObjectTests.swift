import JSON
import Testing

/// `RawJSONObject`: members kept as bytes, changed as `JSONObject` changes them,
/// written back byte for byte as the serializer writes the same object.
@Suite struct RawJSONObjectTests {
    /// Compact text as the serializer writes it: escapes, unicode, nesting, doubles.
    private static let stored = ([
        "body": .string("x\"y\u{e9}\n\u{1}"), "n": [1, ["deep": [true, .null, -2.5e3]]],
        "visible": 17, "group": "g", "o": .object(JSONObject()), "d": .double(0.1),
    ] as JSONValue).serializedBytes

    @Test("unchanged, it writes back the bytes it read")
    func unchangedRoundTrips() throws {
        #expect(try RawJSONObject(bytes: Self.stored).bytes == Self.stored)
        #expect(try RawJSONObject(bytes: Array("{}".utf8)).bytes == Array("{}".utf8))
    }

    @Test("reads members as a full parse builds them")
    func readsMembers() throws {
        let raw = try RawJSONObject(bytes: Self.stored)
        let parsed = try JSONParser.parse(bytes: Self.stored)
        let full = try #require(parsed.objectValue)
        #expect(raw.keys == full.keys)
        for key in full.keys { #expect(raw.member(key) == full[key]) }
        #expect(raw.member("absent") == nil)
        #expect(raw[raw: "visible"].map { Array($0) } == Array("17".utf8))
    }

    @Test("changes give the bytes the serializer writes for the same changes to a JSONObject")
    func changesMatchJSONObject() throws {
        var raw = try RawJSONObject(bytes: Self.stored)
        let parsed = try JSONParser.parse(bytes: Self.stored)
        var built = try #require(parsed.objectValue)
        for (key, value) in [("visible", JSONValue.integer(99)), ("new", ["a": "b"]), ("body", nil), ("group", nil), ("n", .null)] {
            raw.set(key, value)
            built[key] = value
            #expect(raw.bytes == JSONValue.object(built).serializedBytes)
        }
        raw.setRaw("late", Array("[1,2]".utf8)[...])
        built["late"] = [1, 2]
        #expect(raw.bytes == JSONValue.object(built).serializedBytes)
    }

    @Test("a repeated key keeps its first position and its last value, as a parse does")
    func repeatedKey() throws {
        let text = Array(#"{"a":1,"b":2,"a":3}"#.utf8)
        let raw = try RawJSONObject(bytes: text)
        #expect(raw.keys == ["a", "b"])
        #expect(raw.bytes == (try JSONParser.parse(bytes: text)).serializedBytes)
    }

    @Test("reads a slice of a larger buffer")
    func readsSlice() throws {
        let buffer = Array(#"xx{"k":"v"}yy"#.utf8)
        let raw = try RawJSONObject(slice: buffer[2..<11])
        #expect(raw.member("k") == "v")
        #expect(raw.bytes == Array(#"{"k":"v"}"#.utf8))
    }

    @Test(
        "refuses what is not one valid JSON object, as the parser does",
        arguments: [#"[1]"#, #"{"a":1} x"#, #"{"a":01}"#, #"{"a" 1}"#, #"{"a":"x\qy"}"#, #"{"a":[1,]}"#, "", "{"]
    )
    func refusesInvalid(text: String) {
        #expect(throws: JSONParseError.self) { try RawJSONObject(bytes: Array(text.utf8)) }
    }

    @Test("refuses invalid UTF-8")
    func refusesInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try RawJSONObject(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) }
    }

    @Test("splits an array into its elements' bytes")
    func arrayElements() throws {
        let text = Array(#"[{"a":[1,{"b":2}]},"s",3,null,[]]"#.utf8)
        let elements = try RawJSONObject.elements(ofArray: text[...]).map { String(decoding: $0, as: UTF8.self) }
        #expect(elements == [#"{"a":[1,{"b":2}]}"#, #""s""#, "3", "null", "[]"])
        #expect(try RawJSONObject.elements(ofArray: Array("[]".utf8)[...]).isEmpty)
        #expect(throws: JSONParseError.self) { try RawJSONObject.elements(ofArray: Array("{}".utf8)[...]) }
    }
}

/// What `RawJSONObject` hands out of its members, and when it writes back what it read.
@Suite struct RawJSONObjectMemberTests {
    @Test("object and objects(inArray:) read members as objects of their own")
    func nestedObjects() throws {
        let raw = try RawJSONObject(bytes: Array(#"{"o":{"a":1},"list":[{"b":2},{"c":[3]}],"n":4}"#.utf8))
        #expect(try raw.object("o")?.member("a") == 1)
        #expect(try raw.object("absent") == nil)
        #expect(try raw.objects(inArray: "list")?.map { $0.bytes } == [Array(#"{"b":2}"#.utf8), Array(#"{"c":[3]}"#.utf8)])
        #expect(throws: JSONParseError.self) { try raw.object("n") }
        #expect(throws: JSONParseError.self) { try raw.objects(inArray: "o") }
    }

    @Test("text that is not compact is written back as the serializer writes its members")
    func nonCompactInput() throws {
        for text in [#" {"a":1}"#, #"{"a": 1}"#, #"{ "a":1}"#, #"{"a":1 ,"b":2}"#, #"{"a":1} "#, "{ }"] {
            let raw = try RawJSONObject(bytes: Array(text.utf8))
            #expect(raw.bytes == (try JSONParser.parse(text)).serializedBytes, "\(text)")
        }
    }
}

/// Keys with escapes, compared and written back as the parser and serializer treat them.
@Suite struct RawJSONObjectKeyTests {
    @Test("a key written with escapes is found by its text and written back escaped as the serializer does")
    func escapedKeys() throws {
        let text = #"{"a\"b":1,"\u00e9":2,"tab\t":3,"é":4}"#
        let raw = try RawJSONObject(bytes: Array(text.utf8))
        #expect(raw.member("a\"b") == 1)
        #expect(raw.member("tab\t") == 3)
        // "\u00e9" and "é" are one key: the first position, the last value.
        #expect(raw.keys == ["a\"b", "é", "tab\t"])
        #expect(raw.member("é") == 4)
        #expect(raw.bytes == (try JSONParser.parse(text)).serializedBytes)
    }
}

/// The readers `QueueIndex` and the other appliers use instead of building members.
@Suite struct RawJSONObjectScalarTests {
    @Test("integer(_:) and string(_:) give what member(_:) builds, for every kind of member")
    func scalarsMatchBuiltMembers() throws {
        let text = Array(
            #"{"i":17,"neg":-42,"zero":0,"big":9223372036854775807,"i18":999999999999999999,"f":1.0,"e":2e3,"#.utf8
                + Array(#""half":1.5,"huge":1e300,"s":"plain","esc":"a\"b\u00e9","empty":"","t":true,"n":null,"o":{"i":1}}"#.utf8))
        let raw = try RawJSONObject(bytes: text)
        let built = try #require(try JSONParser.parse(bytes: text).objectValue)
        for key in built.keys {
            #expect(raw.integer(key) == built[key]?.integerValue, "\(key)")
            #expect(raw.string(key) == built[key]?.stringValue, "\(key)")
        }
        #expect(raw.integer("absent") == nil && raw.string("absent") == nil)
    }

    @Test("objects(inArray:) reads each element as reading it alone does, compact or not, repeated keys included")
    func arrayObjectsMatchSeparateReads() throws {
        let elements = [#"{"s":1,"i":2}"#, #"{ "a" : [1, {"b":2}] }"#, #"{"k":1,"k":2}"#, "{}", #"{"x\"y":"\u00e9"}"#]
        let raw = try RawJSONObject(bytes: Array(#"{"list":[\#(elements.joined(separator: " , "))]}"#.utf8))
        let objects = try #require(try raw.objects(inArray: "list"))
        #expect(objects.map(\.bytes) == (try elements.map { try RawJSONObject(bytes: Array($0.utf8)).bytes }))
        #expect(objects.map(\.keys) == (try elements.map { try RawJSONObject(bytes: Array($0.utf8)).keys }))
        #expect(try RawJSONObject(bytes: Array(#"{"list":[]}"#.utf8)).objects(inArray: "list")?.isEmpty == true)
        #expect(throws: JSONParseError.self) { try RawJSONObject(bytes: Array(#"{"list":[{},1]}"#.utf8)).objects(inArray: "list") }
    }

    /// Strings of every length up to 33 with a quote, backslash or control character at every
    /// place: the string scanner steps eight bytes at a time and must stop exactly there.
    @Test("strings are read to their exact end wherever a quote, escape or control character falls")
    func stringEnds() throws {
        let fillers = ["a", "\u{7F}", "\u{e9}", "!", "[", "]", " ", "\u{1F600}"]
        for length in 0..<34 {
            for place in 0...length {
                for stop in ["\"", "\\", "\n", "\u{1}", "\u{1F}"] {
                    for filler in fillers {
                        var characters = Array(repeating: filler, count: length)
                        if place < length { characters[place] = stop }
                        let string = characters.joined()
                        let value: JSONValue = ["k": .string(string), "n": 1]
                        let bytes = value.serializedBytes
                        #expect(try JSONParser.parse(bytes: bytes) == value)
                        let raw = try RawJSONObject(bytes: bytes)
                        #expect(raw.member("k") == .string(string) && raw.integer("n") == 1 && raw.bytes == bytes)
                        if place < length, stop.utf8.first.map({ $0 < 0x20 }) == true {
                            // Unescaped, a control character is refused.
                            let unescaped = Array(#"{"k":""#.utf8) + Array(string.utf8) + Array(#"","n":1}"#.utf8)
                            #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: unescaped) }
                            #expect(throws: JSONParseError.self) { try RawJSONObject(bytes: unescaped) }
                        }
                    }
                }
            }
        }
    }
}
