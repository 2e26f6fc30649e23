// The one evaluator: identity-based policies, resource-based policies, and the role-trust rule
// that combines them.

public enum Decision: Sendable, Equatable {
    case allow
    /// A `Deny` statement applied. Nothing can override it.
    case explicitDeny
    /// No statement allowed the request.
    case implicitDeny
}

/// The outcome of evaluating a resource-based policy (such as a role trust policy), including how
/// the caller's principal was matched when the policy allowed.
public enum ResourcePolicyDecision: Sendable, Equatable {
    /// An `Allow` statement applied and no `Deny` did. The match is the most specific one among
    /// the allowing statements.
    case allow(ResourcePolicyMatch)
    case explicitDeny
    case implicitDeny

    /// The plain decision, without the principal detail.
    public var decision: Decision {
        switch self {
        case .allow: .allow
        case .explicitDeny: .explicitDeny
        case .implicitDeny: .implicitDeny
        }
    }
}

public enum PolicyEvaluator {
    /// Identity-based evaluation: an explicit `Deny` in any document wins, otherwise `allow` if any
    /// statement allows, otherwise `implicitDeny`.
    ///
    /// Statements with a `Principal` element (resource-kind documents) only apply when
    /// `request.principal` matches it.
    public static func evaluate(_ documents: [PolicyDocument], _ request: AuthorizationRequest) -> Decision {
        let context = ContextLookup(values: request.context)
        var allowed = false
        for document in documents {
            for statement in document.statements {
                let compiled = statement.compiled
                // Once allowed, only Deny statements can change the answer.
                if allowed && compiled.isAllow { continue }
                guard case .applies = compiled.applicability(request, context) else { continue }
                if !compiled.isAllow { return .explicitDeny }
                allowed = true
            }
        }
        return allowed ? .allow : .implicitDeny
    }

    /// Evaluates one resource-based policy (for example a role trust policy) for
    /// `request.principal`, reporting how the principal matched when it allows.
    ///
    /// A request without a principal matches no `Principal`/`NotPrincipal` element.
    public static func evaluateResourcePolicy(_ document: PolicyDocument, _ request: AuthorizationRequest) -> ResourcePolicyDecision {
        let context = ContextLookup(values: request.context)
        var best: ResourcePolicyMatch? = nil
        for statement in document.statements {
            let compiled = statement.compiled
            guard case .applies(let match) = compiled.applicability(request, context) else { continue }
            if !compiled.isAllow { return .explicitDeny }
            // A statement without a Principal element (possible only in identity-kind documents)
            // does not single anyone out.
            let how = match ?? .wildcard
            if best == nil || how < best! { best = how }
        }
        if let best { return .allow(best) }
        return .implicitDeny
    }

    /// Decides `sts:AssumeRole`-style requests the way IAM does for role trust policies.
    ///
    /// - An explicit `Deny` in the trust policy or in any identity policy wins.
    /// - The trust policy must allow; identity policies alone are never enough.
    /// - If the trust policy names the caller specifically (its user or role ARN, or its exact
    ///   service or federated provider) and the caller is in the role's own account, the trust
    ///   policy alone allows. Service and federated principals have no identity policies, so a
    ///   specific match is enough for them too.
    /// - Otherwise (the trust policy grants the caller's whole account or `*`, or the caller is in
    ///   another account) the caller's identity policies must also allow the request.
    ///
    /// The role's account is read from `request.resource` (the role ARN); the caller's from
    /// `request.principal`. `identity` is the caller's identity-based decision for the same
    /// request, already narrowed by any permissions boundary or session policy.
    public static func authorizeAssumeRole(trustPolicy: PolicyDocument, identity: Decision,
                                           _ request: AuthorizationRequest) -> Decision {
        let trust = evaluateResourcePolicy(trustPolicy, request)
        if trust == .explicitDeny || identity == .explicitDeny { return .explicitDeny }
        guard case .allow(let match) = trust else { return .implicitDeny }

        switch request.principal {
        case .service?, .federated?:
            if match == .principalSpecifically { return .allow }
        case .aws(_, let account)?:
            let parts = splitArn(request.resource)
            let sameAccount = parts.count == 6 && parts[4] == account
            if match == .principalSpecifically && sameAccount { return .allow }
        case nil:
            return .implicitDeny
        }
        return identity == .allow ? .allow : .implicitDeny
    }
}
