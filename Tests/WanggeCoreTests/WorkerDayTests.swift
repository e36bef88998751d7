import Foundation
import Testing
import WanggeCore

@Suite("The worker's day: urgency of each task and the order of the list")
struct WorkerDayTests {
    /// 2026-11-30 10:00 in Beijing.
    static let now = Date(timeIntervalSince1970: 1_796_004_000)
    static func at(hours: Double) -> Date { now.addingTimeInterval(hours * 3600) }
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    @Test("a deadline passed is overdue; one later today is due today; in the warning period a warning; else open")
    func urgency() {
        #expect(ChinaTime.format(Self.now) == "2026-11-30 10:00:00")
        #expect(WorkerDay.urgency(due: Self.at(hours: -0.01), warnAt: nil, now: Self.now) == .overdue)
        // 23:59 the same day in Beijing, 14 hours on: due today, even though the warning has not begun.
        #expect(WorkerDay.urgency(due: Self.at(hours: 13.98), warnAt: Self.at(hours: 10), now: Self.now) == .dueToday)
        // 00:01 the next day: not today; its warning began an hour ago.
        #expect(WorkerDay.urgency(due: Self.at(hours: 14.02), warnAt: Self.at(hours: -1), now: Self.now) == .warning)
        #expect(WorkerDay.urgency(due: Self.at(hours: 48), warnAt: Self.at(hours: 24), now: Self.now) == .open)
        #expect(WorkerDay.urgency(due: Self.at(hours: 48), warnAt: nil, now: Self.now) == .open)
    }

    @Test("a need open for seven days is flagged; six days and 23 hours is not")
    func needs() {
        #expect(WorkerDay.needUrgency(recordedAt: Self.at(hours: -7 * 24), now: Self.now) == .warning)
        #expect(WorkerDay.needUrgency(recordedAt: Self.at(hours: -7 * 24 + 1), now: Self.now) == .open)
    }

    @Test("the list runs by urgency, then kind, then deadline, then age; the counts add up")
    func order() {
        func task(_ n: Int, _ kind: DayTask.Kind, _ urgency: DayTask.Urgency, due: Double?, since: Double?) -> DayTask {
            DayTask(kind: kind, id: Self.id(n), title: "\(n)", due: due.map(Self.at), since: since.map(Self.at), urgency: urgency)
        }
        let tasks = [
            task(1, .need, .open, due: nil, since: -10),
            task(2, .workCase, .open, due: 48, since: -1),
            task(3, .workCase, .overdue, due: -2, since: -30),
            task(4, .need, .warning, due: nil, since: -200),
            task(5, .workCase, .warning, due: 20, since: -5),
            task(6, .workCase, .overdue, due: -5, since: -30),
            task(7, .visit, .open, due: nil, since: -10),
            task(8, .workCase, .dueToday, due: 3, since: -5),
            task(9, .visit, .overdue, due: -100, since: -4000),
        ]
        let ordered = WorkerDay.ordered(tasks).map(\.title)
        // Overdue: cases first (earliest deadline first), then the visit though its deadline is older;
        // due today; warnings: the case before the need; open: case, visit, need.
        #expect(ordered == ["6", "3", "9", "8", "5", "4", "2", "7", "1"])
        let counts = WorkerDay.counts(tasks)
        #expect(counts[.workCase] == [.open: 1, .overdue: 2, .warning: 1, .dueToday: 1])
        #expect(counts[.need] == [.open: 1, .warning: 1])
        #expect(counts[.visit] == [.open: 1, .overdue: 1])
    }

    @Test("a household due a visit is a task: overdue stays overdue, due on its last day is due today, in its last week a warning")
    func visits() {
        let today = SimpleDate(year: 2026, month: 12, day: 28)!
        func due(_ status: VisitStatus, by: SimpleDate) -> VisitDue {
            let facts = HouseholdVisitFacts(
                householdID: Self.id(1), number: "0101", gridID: Self.id(9), building: "3号楼", room: "502", lastVisit: SimpleDate(year: 2026, month: 3, day: 2),
                careEvery: nil)
            return VisitDue(facts: facts, status: status, byCare: nil, dueBy: by)
        }
        let dec31 = SimpleDate(year: 2026, month: 12, day: 31)!
        #expect(WorkerDay.visitTask(due(.overdue, by: SimpleDate(year: 2026, month: 6, day: 30)!), today: today).urgency == .overdue)
        #expect(WorkerDay.visitTask(due(.due, by: dec31), today: today).urgency == .warning)
        #expect(WorkerDay.visitTask(due(.due, by: today), today: today).urgency == .dueToday)
        #expect(WorkerDay.visitTask(due(.due, by: dec31), today: SimpleDate(year: 2026, month: 12, day: 1)!).urgency == .open)
        let task = WorkerDay.visitTask(due(.due, by: dec31), today: today)
        #expect(task.place == "0101" && task.title == "入户走访：3号楼 502")
        #expect(ChinaTime.format(task.due!) == "2027-01-01 00:00:00", "the end of the last day")
        #expect(ChinaTime.format(task.since!) == "2026-03-02 00:00:00")
    }
}
