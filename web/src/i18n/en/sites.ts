/** The Primary and Lower Secondary support sites: Teacher and learner management. */
export const sites = {
  management: 'Teacher and learner management',

  sideBar: {
    /** Said after the visible link text, so the two sites' links differ for a screen reader. */
    linkSuffix: (site: string) => ` (${site})`,
  },

  heading: (site: string) => `${site}: Teacher and learner management`,
  tabsLabel: (site: string) => `${site}: Teacher and learner management`,
  teachersTab: 'Teachers',
  learnersTab: 'Learners',
  teachersTitle: (site: string) => `Teachers – ${site}`,
  learnersTitle: (site: string) => `Learners – ${site}`,
  loadingSite: 'Loading the site',

  refusal: {
    notASiteTitle: 'Site not found',
    notASite:
      'There is no such support site. Teacher and learner management is on the Primary and Lower Secondary support sites.',
    noAccessTitle: (site: string) => `No access to ${site}`,
    noAccess: (site: string) => `You do not have access to the ${site} support site.`,
    askCoordinator:
      'If you need to change your access rights to Cambridge support sites you will need to contact your School Coordinator.',
    notEligibleTitle: 'Site not available',
    notEligible: (site: string) =>
      `This centre is not eligible for the ${site} support site, or you cannot open this centre.`,
    coordinatorsOnlyTitle: 'Coordinators only',
    coordinatorsOnly:
      'Only your School Coordinator can manage a teacher’s account and their Progression Test data.',
  },

  pagerLabel: (what: string) => `Pages of ${what}`,

  teachers: {
    addNew: 'Add new',
    loading: 'Loading teachers',
    none: 'No teachers have access to this site yet.',
    noneCoordinator: 'No teachers have access to this site yet. Use Add new to invite them.',
    caption: (from: string, to: string) => `Teachers ${from} to ${to}`,
    noMore: 'No more teachers',
    showing: (from: string, to: string) => `Showing teachers ${from} to ${to}`,
    name: 'Name',
    email: 'Email',
    status: 'Status',
    data: 'Progression Test data',
    actions: 'Actions',
    edit: (name: string) => `Edit ${name}`,
    you: '(you)',
    pagesOf: 'teachers',
    searchLandmark: 'Teachers',
    search: 'Search',
    searchHint: 'The start of any word of a name or email address, such as “lov” for Ada Lovelace',
    searchButton: 'Search',
    statusFilter: 'Status',
    allStatuses: 'All',
    noMatches: 'No teachers match your search.',
    clear: 'Clear search and filters',
  },

  statuses: { active: 'Active', invited: 'Invited', suspended: 'Suspended' },

  resultsForms: { one: '{count} result', other: '{count} results' },

  teacher: {
    loading: 'Loading the teacher',
    notFoundTitle: 'Teacher not found',
    notFound:
      'There is no such teacher at this centre. They may have been deleted, or the link may be mistyped.',
    notOnSite: (name: string, site: string) =>
      `${name} does not have access to the ${site} site. You can still transfer their data or delete them here.`,
    backToTeachers: 'Back to Teachers',
    title: (name: string, site: string) => `${name} – ${site}`,
    detailsHeading: 'Details',
    name: 'Name',
    email: 'Email',
    status: 'Status',
    role: 'Role',
    roles: { admin: 'Admin', teacher: 'Teacher' },
    sites: 'Support sites',
    noSites: 'None',
    dataHeading: 'Progression Test data',
    total: 'Total',
    myCentreLink: (name: string) => `Edit ${name}’s account in the School Support Hub`,
    myCentreHint:
      'Change their email, reset their password, give or revoke their admin rights, or change the support sites they have access to.',
    nameHint: 'Please note that only the user can change their name.',
  },

  transfer: {
    heading: 'Transfer data',
    holds: (name: string, results: string, where: string) =>
      `${name} holds ${results} of Progression Test data (${where}).`,
    rule: 'The teacher who receives the data must be active and have access to every site that holds it.',
    selectTeacher: 'Select a teacher to transfer data to',
    changeTeacher: 'Select another teacher',
    chosen: 'Transfer to',
    transferData: 'Transfer data',
    confirmTitle: 'Transfer data?',
    confirmBody: (results: string, from: string, to: string) =>
      `${results} of Progression Test data will move from ${from} to ${to}.`,
    running: (from: string, to: string) => `Transferring data from ${from} to ${to}…`,
    progressLabel: 'Transferring data',
    moved: { one: '{count} result moved', other: '{count} results moved' },
    done: (moved: string, to: string) => `Transfer complete: ${moved} to ${to}.`,
    failed: (moved: string) =>
      `The transfer could not finish (${moved} before it stopped). Nothing else was changed; try again.`,
    deleteNext: (name: string) => `${name} holds no more data: you can now delete them below.`,
    // The picker
    dialogTitle: 'Select a teacher to transfer data to',
    search: 'Search teachers',
    searchHint: 'The start of any word of a name or email address, such as “lov” for Ada Lovelace',
    candidates: 'Teachers who can receive the data',
    loadingCandidates: 'Loading teachers',
    noCandidates:
      'No teacher can receive this data. A teacher must be active and have access to the same sites; add or edit one in My Centre first.',
    noMatches: 'No teacher matches your search.',
    matches: { one: '{count} teacher found', other: '{count} teachers found' },
    moreMatches: 'Only the first teachers are shown: type more of the name to find others.',
    select: 'Select',
    cancel: 'Cancel',
    chooseFirst: 'Choose a teacher in the list first.',
  },

  removal: {
    heading: 'Delete',
    intro: (name: string) =>
      `Deleting ${name} removes their account from the School Support Hub and the support sites. The system first checks their Progression Test data.`,
    delete: 'Delete',
    confirmTitle: (name: string) => `Delete ${name}?`,
    confirmBody: (name: string) =>
      `We will check ${name}’s Progression Test data, then lead you through suspending and deleting their account.`,
    checking: (name: string) => `Checking ${name}’s Progression Test data…`,
    hasData: (name: string, results: string) =>
      `${name} holds ${results} of Progression Test data. You cannot delete a user until you have transferred this data to another teacher.`,
    goToTransfer: 'Go to Transfer data',
    suspendFirst: (name: string) =>
      `${name} holds no Progression Test data. A user must be suspended before they can be deleted: suspending blocks their access to the School Support Hub and the support sites at once.`,
    suspendUser: 'Suspend user',
    suspendTitle: (name: string) => `Suspend ${name}?`,
    suspendBody: (name: string) =>
      `${name} will not be able to sign in to the School Support Hub or its support sites.`,
    suspended: (name: string) => `${name} has been suspended.`,
    readyToDelete: (name: string) =>
      `${name} is suspended and holds no Progression Test data. You can now delete their account.`,
    deleteTitle: (name: string) => `Delete ${name}?`,
    deleteBody: (name: string) =>
      `${name}’s account will be removed from the School Support Hub and its support sites. This cannot be undone.`,
    self: 'You cannot delete your own account.',
  },

  learners: {
    loading: 'Loading learners',
    none: 'No learners on this site yet. Add the first one below.',
    caption: (from: string, to: string) => `Learners ${from} to ${to}`,
    noMore: 'No more learners',
    showing: (from: string, to: string) => `Showing learners ${from} to ${to}`,
    name: 'Name',
    stage: 'Stage',
    classGroup: 'Class',
    actions: 'Actions',
    edit: (name: string) => `Edit ${name}`,
    remove: (name: string) => `Remove ${name}`,
    pagesOf: 'learners',
    stageOption: (stage: string) => `Stage ${stage}`,
    chooseStage: 'Choose a stage',
    stageHint: (from: string, to: string) => `Stage ${from} to ${to} on this site`,
    classHint: 'Optional, for example 4B',
    addHeading: 'Add a learner',
    add: 'Add learner',
    adding: 'Adding…',
    added: (name: string) => `${name} has been added.`,
    editTitle: (name: string) => `Edit ${name}`,
    save: 'Save changes',
    saving: 'Saving…',
    saved: (name: string) => `The changes to ${name} have been saved.`,
    noChanges: 'There are no changes to save.',
    removeTitle: (name: string) => `Remove ${name}?`,
    removeBody: (name: string) =>
      `${name} will be removed from this site. A learner with Progression Test results cannot be removed.`,
    removed: (name: string) => `${name} has been removed.`,
    hasResults: (name: string) =>
      `${name} cannot be removed: they have Progression Test results on this site. A learner’s results stay with them.`,
    errors: {
      name: 'Enter the learner’s name',
      nameTooLong: 'The name must be 100 characters or fewer',
      nameCharacters: 'The name must not contain < or >',
      stage: (from: string, to: string) => `Choose a stage from ${from} to ${to}`,
      classGroup: 'The class must be 50 characters or fewer',
      classGroupCharacters: 'The class must not contain < or >, tabs or line breaks',
    },
  },

  learner: {
    loading: 'Loading the learner',
    notFoundTitle: 'Learner not found',
    notFound:
      'There is no such learner on this site. They may have been removed, or the link may be mistyped.',
    backToLearners: 'Back to Learners',
    title: (name: string, site: string) => `${name} – ${site}`,
    detailsHeading: 'Details',
    noClass: 'None',
    resultsHeading: 'Progression Test results',
    loadingResults: 'Loading results',
    noResults: 'No Progression Test results yet.',
    resultsCaption: (from: string, to: string) => `Results ${from} to ${to}`,
    series: 'Series',
    subject: 'Subject',
    score: 'Score',
    scoreOf: (score: string, maxScore: string) => `${score} / ${maxScore}`,
    date: 'Date',
    teacher: 'Teacher',
    unknownTeacher: 'Another teacher',
    pagesOf: 'results',
    recordHeading: 'Record a result',
    chooseSubject: 'Choose a subject',
    seriesHint: 'For example Spring 2026',
    maxScore: 'Max score',
    chooseTeacher: 'Choose a teacher',
    teacherHint: 'The teacher who owns the result',
    ownResult: 'The result will be recorded as yours.',
    record: 'Record result',
    recording: 'Recording…',
    recorded: (subject: string, series: string) =>
      `The ${subject} result for ${series} is recorded.`,
    errors: {
      subject: 'Choose a subject',
      stage: (from: string, to: string) => `Choose a stage from ${from} to ${to}`,
      series: 'Enter the series',
      seriesTooLong: 'The series must be 40 characters or fewer',
      seriesCharacters: 'The series must not contain < or >, tabs or line breaks',
      score: 'Enter a score of 0 or more',
      scoreTooHigh: 'The score must not be more than the max score',
      maxScore: 'Enter a max score from 1 to 1,000',
      teacher: 'Choose the teacher who owns the result',
    },
  },

  subjects: {
    english: 'English',
    'english-as-a-second-language': 'English as a Second Language',
    mathematics: 'Mathematics',
    science: 'Science',
  },
};
