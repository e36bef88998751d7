import Testing
@testable import WanggeCore

@Suite("Separation of duties (三权分立) and temporary passwords")
struct AdministrationRolesTests {
    @Test("only the system administrator manages accounts, only the security administrator roles, the auditor neither")
    func split() {
        for role in Role.allCases {
            #expect(role.managesAccounts == (role == .sysAdmin), "\(role)")
            #expect(role.managesRoles == (role == .securityAdmin), "\(role)")
        }
        #expect(Set(Role.allCases.filter(\.isPrivileged)) == [.sysAdmin, .securityAdmin, .auditor])
        #expect(Role.assignableByAccountManager == [.resident, .gridWorker, .proxyAgent, .operator_, .department, .leader])
    }

    @Test("a temporary password passes the password rules, has no look-alikes and differs each time")
    func temporaryPassword() {
        var seen: Set<String> = []
        for _ in 0..<200 {
            let p = TemporaryPassword.make()
            #expect(p.count == 12)
            #expect(PasswordRules.isStrong(p), "\(p)")
            #expect(!p.contains { "0O1lI".contains($0) }, "\(p)")
            seen.insert(p)
        }
        #expect(seen.count == 200)
    }
}
