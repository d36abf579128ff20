import SwiftCompilerPlugin
public import SwiftSyntax
import SwiftSyntaxBuilder
public import SwiftSyntaxMacros

/// The expansion of `@MemberwiseInit(access)`: the type's memberwise `init`.
///
/// It reads only the declaration it is attached to, so what it writes is what a
/// person would write by hand: `access init(a: A, b: B = value) { self.a = a; … }`.
public struct MemberwiseInitMacro: MemberMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard declaration.is(StructDeclSyntax.self) || declaration.is(ClassDeclSyntax.self) || declaration.is(ActorDeclSyntax.self)
        else {
            throw MemberwiseInitError("@MemberwiseInit applies to a struct, a root class or an actor")
        }
        let access = try accessKeyword(of: node)
        var parameters: [String] = []
        var assignments: [String] = []
        for member in declaration.memberBlock.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self), isStored(variable) else { continue }
            let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
            for binding in variable.bindings {
                guard let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.trimmedDescription else {
                    throw MemberwiseInitError("@MemberwiseInit needs one name per stored property")
                }
                if binding.initializer != nil && (isLet || isPrivate(variable)) { continue }
                guard let type = binding.typeAnnotation?.type else {
                    throw MemberwiseInitError("@MemberwiseInit needs the type of `\(name)` written out")
                }
                var parameter = "\(name): \(parameterType(type))"
                if let value = defaultValue(of: variable) ?? binding.initializer?.value {
                    parameter += " = \(value.trimmedDescription)"
                }
                parameters.append(parameter)
                assignments.append("self.\(name) = \(name)")
            }
        }
        let prefix = access.isEmpty ? "" : "\(access) "
        let body = assignments.map { "    \($0)" }.joined(separator: "\n")
        let header =
            parameters.count <= 1
            ? "\(prefix)init(\(parameters.joined()))"
            : "\(prefix)init(\n\(parameters.map { "    \($0)" }.joined(separator: ",\n"))\n)"
        return ["\(raw: header) {\n\(raw: body)\n}"]
    }

    /// `public`, `package` or nothing (internal), from the attribute's one argument.
    static func accessKeyword(of node: AttributeSyntax) throws -> String {
        guard case .argumentList(let arguments) = node.arguments, arguments.count == 1,
            let member = arguments.first?.expression.as(MemberAccessExprSyntax.self)
        else {
            throw MemberwiseInitError("@MemberwiseInit takes one access level: .public, .package or .internal")
        }
        switch member.declName.baseName.trimmedDescription.trimmingBackticks {
        case "public": return "public"
        case "package": return "package"
        case "internal": return ""
        default: throw MemberwiseInitError("@MemberwiseInit takes one access level: .public, .package or .internal")
        }
    }

    /// A stored instance property: not `static`/`class`, not `lazy`, and with no
    /// accessors but observers (`willSet`/`didSet`).
    static func isStored(_ variable: VariableDeclSyntax) -> Bool {
        let skipped: Set<String> = ["static", "class", "lazy"]
        if variable.modifiers.contains(where: { skipped.contains($0.name.text) }) { return false }
        for binding in variable.bindings {
            switch binding.accessorBlock?.accessors {
            case nil: continue
            case .getter: return false
            case .accessors(let accessors):
                let observers: Set<String> = ["willSet", "didSet"]
                if !accessors.allSatisfy({ observers.contains($0.accessorSpecifier.text) }) { return false }
            }
        }
        return true
    }

    /// A `private` or `fileprivate` property (not `private(set)`): with a value, it is
    /// the type's own business and no parameter.
    static func isPrivate(_ variable: VariableDeclSyntax) -> Bool {
        variable.modifiers.contains {
            ($0.name.tokenKind == .keyword(.private) || $0.name.tokenKind == .keyword(.fileprivate)) && $0.detail == nil
        }
    }

    /// The argument of the property's `@MemberwiseDefault(value)`, if it has one.
    static func defaultValue(of variable: VariableDeclSyntax) -> ExprSyntax? {
        for case .attribute(let attribute) in variable.attributes
        where attribute.attributeName.trimmedDescription == "MemberwiseDefault" {
            if case .argumentList(let arguments) = attribute.arguments { return arguments.first?.expression }
        }
        return nil
    }

    /// The parameter's type: the property's, with `@escaping` before a closure type,
    /// which a stored closure needs and a parameter must say.
    static func parameterType(_ type: TypeSyntax) -> String {
        let text = type.trimmedDescription
        return type.is(FunctionTypeSyntax.self) ? "@escaping \(text)" : text
    }
}

/// `@MemberwiseDefault(value)`: writes nothing; ``MemberwiseInitMacro`` reads its argument.
public struct MemberwiseDefaultMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] { [] }
}

/// Why `@MemberwiseInit` cannot write an init for a declaration; the compiler shows
/// the text at the attribute.
struct MemberwiseInitError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension String {
    fileprivate var trimmingBackticks: String { filter { $0 != "`" } }
}

@main
struct MemberwiseMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [MemberwiseInitMacro.self, MemberwiseDefaultMacro.self]
}
