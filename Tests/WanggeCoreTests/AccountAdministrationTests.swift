import Testing
@testable import WanggeCore

/// 三权分立 as a table the tests hold their own copy of.
@Suite("Account administration: who may do what to whose account")
struct AccountAdministrationTests {
    typealias A = AccountAdministration
    static let holders: [Role: Int] = [.sysAdmin: 2, .securityAdmin: 2, .auditor: 2]

    static func target(_ role: Role, disabled: Bool = false, me: Bool = false) -> A.Target { .init(role: role, isDisabled: disabled, isSelf: me) }

    @Test("the system administrator looks after ordinary accounts only")
    func systemAdministrator() {
        for action in [A.Action.resetPassword, .disable, .enable] {
            #expect(A.refusal(action, actor: .sysAdmin, target: Self.target(.gridWorker), activeHolders: Self.holders) == nil)
            for privileged in [Role.auditor, .securityAdmin, .sysAdmin] {
                #expect(A.refusal(action, actor: .sysAdmin, target: Self.target(privileged), activeHolders: Self.holders) == .notYourDuty, "\(action) \(privileged)")
            }
        }
        for action in [A.Action.changeRole, .unlock, .resetTOTP] {
            #expect(A.refusal(action, actor: .sysAdmin, target: Self.target(.gridWorker), newRole: .leader, activeHolders: Self.holders) == .notYourDuty)
        }
        #expect(A.refusal(.create, actor: .sysAdmin, target: nil, newRole: .leader) == nil)
        #expect(A.refusal(.create, actor: .sysAdmin, target: nil, newRole: .auditor) == .notYourDuty)
        #expect(A.refusal(.create, actor: .securityAdmin, target: nil, newRole: .leader) == .notYourDuty)
    }

    @Test("the security administrator handles roles and the privileged accounts, never the last holder of a duty")
    func securityAdministrator() {
        for action in [A.Action.resetPassword, .disable, .enable] {
            #expect(A.refusal(action, actor: .securityAdmin, target: Self.target(.auditor), activeHolders: Self.holders) == nil)
            #expect(A.refusal(action, actor: .securityAdmin, target: Self.target(.gridWorker), activeHolders: Self.holders) == .notYourDuty)
        }
        #expect(A.refusal(.changeRole, actor: .securityAdmin, target: Self.target(.leader), newRole: .auditor, activeHolders: Self.holders) == nil)
        let alone: [Role: Int] = [.auditor: 1]
        #expect(A.refusal(.disable, actor: .securityAdmin, target: Self.target(.auditor), activeHolders: alone) == .lastHolder(.auditor))
        #expect(A.refusal(.changeRole, actor: .securityAdmin, target: Self.target(.auditor), newRole: .leader, activeHolders: alone) == .lastHolder(.auditor))
        #expect(A.refusal(.changeRole, actor: .securityAdmin, target: Self.target(.auditor), newRole: .auditor, activeHolders: alone) == nil)
        #expect(A.refusal(.enable, actor: .securityAdmin, target: Self.target(.auditor, disabled: true), activeHolders: alone) == nil)
        #expect(A.refusal(.unlock, actor: .securityAdmin, target: Self.target(.auditor), activeHolders: alone) == nil)
    }

    @Test("nobody acts on their own account; the auditor acts on none")
    func selfAndAuditor() {
        for action in A.Action.allCases where action != .create {
            #expect(A.refusal(action, actor: .securityAdmin, target: Self.target(.securityAdmin, me: true), activeHolders: Self.holders) == .ownAccount)
            #expect(A.refusal(action, actor: .auditor, target: Self.target(.gridWorker), newRole: .leader, activeHolders: Self.holders) == .notYourDuty)
        }
    }

    @Test("making an account privileged reissues its credentials")
    func reissue() {
        #expect(A.reissuesCredentials(from: .leader, to: .auditor))
        #expect(!A.reissuesCredentials(from: .auditor, to: .auditor))
        #expect(!A.reissuesCredentials(from: .auditor, to: .leader))
    }
}
