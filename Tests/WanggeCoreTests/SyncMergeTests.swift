import Testing
import WanggeCore

@Suite("Offline sync: the merge rule, the conflict machine and device order")
struct SyncMergeTests {
    // A resident as the phone copied it at version 7: phone 138****5678, tags 独居.

    @Test("a field nobody else touched takes the worker's value")
    func disjoint() {
        let out = SyncMerge.merge(
            [FieldEdit(field: "phone", base: "138****5678", mine: "13911112222")], baseVersion: 7, serverVersion: 9,
            server: ["phone": "138****5678", "tags": "独居,低保"])
        #expect(out.apply == [FieldEdit(field: "phone", base: "138****5678", mine: "13911112222")])
        #expect(out.clashes.isEmpty)
    }

    @Test("a field changed on the server since the base is a clash, not an overwrite")
    func clash() {
        let out = SyncMerge.merge(
            [FieldEdit(field: "phone", base: "138****5678", mine: "13911112222"), FieldEdit(field: "tags", base: "独居", mine: "独居,残疾")],
            baseVersion: 7, serverVersion: 9, server: ["phone": "137****0000", "tags": "独居"])
        #expect(out.apply == [FieldEdit(field: "tags", base: "独居", mine: "独居,残疾")])
        #expect(out.clashes == [FieldClash(field: "phone", base: "138****5678", mine: "13911112222", server: "137****0000")])
    }

    @Test("the same change made on both sides is neither written again nor a clash")
    func sameChange() {
        let out = SyncMerge.merge([FieldEdit(field: "tags", base: "独居", mine: "")], baseVersion: 3, serverVersion: 4, server: ["tags": ""])
        #expect(out == SyncMerge.Outcome(apply: [], clashes: []))
    }

    @Test("an unchanged field is not written")
    func unchanged() {
        let out = SyncMerge.merge([FieldEdit(field: "tags", base: "独居", mine: "独居")], baseVersion: 3, serverVersion: 3, server: ["tags": "独居"])
        #expect(out == SyncMerge.Outcome(apply: [], clashes: []))
    }

    @Test("a field cleared on the server is a clash with the worker's edit")
    func clearedOnServer() {
        let out = SyncMerge.merge([FieldEdit(field: "phone", base: "138****5678", mine: "13911112222")], baseVersion: 1, serverVersion: 2, server: ["phone": nil])
        #expect(out.clashes == [FieldClash(field: "phone", base: "138****5678", mine: "13911112222", server: nil)])
    }

    @Test("a previous-version client (no field bases) merges by record version")
    func previousVersion() {
        let edit = FieldEdit(field: "phone", base: nil, mine: "13911112222")
        let same = SyncMerge.merge([edit], baseVersion: 5, serverVersion: 5, server: ["phone": "138****5678"], trustsBase: false)
        #expect(same.apply == [edit])
        let moved = SyncMerge.merge([edit], baseVersion: 5, serverVersion: 6, server: ["phone": "138****5678"], trustsBase: false)
        #expect(moved.clashes == [FieldClash(field: "phone", base: nil, mine: "13911112222", server: "138****5678")])
    }

    // MARK: Conflict machine

    @Test("an open conflict is decided once, by its worker or a supervisor")
    func decide() throws {
        let mine = try SyncConflictMachine.decide(.keepMine, state: .open, by: .worker, isAuthor: true, mine: "13911112222")
        #expect(mine == SyncConflictMachine.Decision(state: .keptMine, write: .some("13911112222")))
        let server = try SyncConflictMachine.decide(.keepServer, state: .open, by: .supervisor, isAuthor: false, mine: "x")
        #expect(server == SyncConflictMachine.Decision(state: .keptServer, write: nil))
        let edited = try SyncConflictMachine.decide(.edit("  13500000000 "), state: .open, by: .supervisor, isAuthor: false, mine: "x")
        #expect(edited == SyncConflictMachine.Decision(state: .edited, write: .some("13500000000")))
        #expect(throws: SyncConflictProblem.notYours) { try SyncConflictMachine.decide(.keepMine, state: .open, by: .worker, isAuthor: false, mine: "x") }
        #expect(throws: SyncConflictProblem.notYours, "another worker learns nothing, not even that it was decided") {
            try SyncConflictMachine.decide(.keepMine, state: .keptServer, by: .worker, isAuthor: false, mine: "x")
        }
        #expect(throws: SyncConflictProblem.valueRequired) { try SyncConflictMachine.decide(.edit("  "), state: .open, by: .worker, isAuthor: true, mine: "x") }
        for state in SyncConflictState.allCases where state != .open {
            #expect(throws: SyncConflictProblem.alreadyDecided(state)) {
                try SyncConflictMachine.decide(.keepServer, state: state, by: .supervisor, isAuthor: true, mine: "x")
            }
        }
    }

    // MARK: Device order

    @Test("writes in order apply at once")
    func inOrder() {
        #expect(DeviceOrder.admit(applied: 0, held: [], arriving: [1, 2]) == DeviceOrder.Admission(apply: [1, 2], held: [], applied: 2))
    }

    @Test("a write whose predecessor is missing is held, then applied when it comes")
    func heldThenApplied() {
        let first = DeviceOrder.admit(applied: 2, held: [], arriving: [4, 5])
        #expect(first == DeviceOrder.Admission(apply: [], held: [4, 5], applied: 2))
        let second = DeviceOrder.admit(applied: 2, held: [4, 5], arriving: [3])
        #expect(second == DeviceOrder.Admission(apply: [3, 4, 5], held: [], applied: 5))
    }

    @Test("a write already applied is not applied again; a gap further on stays held")
    func replayAndGap() {
        #expect(DeviceOrder.admit(applied: 5, held: [8], arriving: [4, 6]) == DeviceOrder.Admission(apply: [6], held: [8], applied: 6))
    }
}
