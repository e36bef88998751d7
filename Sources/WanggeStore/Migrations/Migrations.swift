import FluentKit
import SQLKit
import WanggeSecurity

/// Every migration, in the order it runs. Append only: a released migration never changes.
public enum StoreMigrations {
    public static func all(keys: KeyRing) -> [any Migration] {
        [
            CreateUnits(),
            CreateStaff(),
            CreatePlaces(),
            CreatePeople(),
            CreateAccounts(),
            SeedReferenceData(),
            CreateSecurity(cipher: keys.cipher),
            UpdateResidentsAddAnonymisedAt(),
            CreateCases(),
            CreateOpen311ApiKeys(),
            UpdateCasesAddSweep(),
            UpdateCaseCategoriesAddActive(),
            CreateCaseAttachments(),
            CreateCaseSubmissions(),
            UpdateCasesAddDuplicateIndexes(),
            UpdateBuildingsAddAddressIndex(),
            UpdateCasesAddPublicCode(),
            CreateSessions(),
            CreateAccountDepartments(),
            UpdateCaseCategoriesAddOnSpot(),
            UpdateCaseCategoriesAddWarnPercent(),
            UpdateStaffAddAccountID(),
            UpdateCasesAddReporterPhoneHash(cipher: keys.cipher),
            CreateCalendarDays(),
            UpdateCasesAddReporterEmail(),
            CreateNotifications(),
            CreateImportReports(),
            CreateImportBatches(),
            CreateProxyServices(),
            SeedProxyServices(),
            UpdateStaffAddPhonePublic(),
            CreateStaffBuildings(),
            CreateSocialLogEntries(),
            CreateResidentNeeds(),
            CreatePatrols(),
            CreateServiceExamples(),
            CreateHomeVisits(),
            CreateCaseTallies(),
            BackfillCaseTallies(),
            CreateCaseDepartmentTallies(),
            BackfillCaseDepartmentTallies(),
            CreateScoringWeights(),
            CreatePowerItems(),
            CreateFourListItems(),
            CreateAdmissionTasks(),
            CreateMajorDecisions(),
            CreateNotices(),
            CreateCasePowerTags(),
            CreateSync(),
            CreateServiceStations(),
            CreatePartyOverlay(),
            CreateRegisterTallies(),
            CreateCaseDeadlineIndexes(),
            CreateCouncils(),
            CreateMarket(),
            CreateVolunteers(),
            CreatePartyCentralHouseholds(),
            UpdateCouncilProposalsAddCaseID(),
            CreateResidentPhoneIndex(),
            CreateNoticeReach(),
            CreateCoarseTallies(),
            CreateResidentPhoneTailIndex(),
            CreatePersonTallies(),
            UpdatePartyAddServiceIndexes(),
            UpdatePersonTalliesByMonth(),
            UpdateTalliesAddUnitMonthly(),
            CreateResidentNamePatternIndex(),
            CreateCatalogueStamp(),
            CreateTallyStamps(),
            UpdateTallyStampsByColumn(),
            UpdateWorkloadMonthlyClustered(),
        ]
    }
}

extension Database {
    /// A plain index; Fluent's schema builder has none, so it is SQL both dialects accept.
    func createIndex(_ table: String, _ columns: String...) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        let name = "idx_\(table)_\(columns.joined(separator: "_"))"
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}
