/** My Centre: Users, Add new users, a user's page and the audit log. */
export const myCentre = {
  /** My Centre › Users, and the words every users page shares (roles, statuses). */
  users: {
    title: 'Users',
    addNewUsers: 'Add new users',
    status: { active: 'Active', invited: 'Invited', suspended: 'Suspended' },
    roles: { admin: 'Admin', teacher: 'Teacher' },
    noSites: 'None',
    progressionData: {
      none: 'They hold no Progression Test data.',
      some: {
        one: 'They hold {count} Progression Test result: transfer it to another teacher before deleting the user.',
        other:
          'They hold {count} Progression Test results: transfer them to another teacher before deleting the user.',
      },
    },
    suspended: (name: string, progressionData: string) =>
      `${name} has been suspended. ${progressionData}`,
    clearSearch: 'Clear search and filters',
    loading: 'Loading users',
    noMatch: 'No users match your search.',
    noMatchAction: 'to see every user.',
    none: 'No users yet.',
    noneAction: 'to invite your teachers.',
    showing: (first: string, last: string) => `Showing users ${first} to ${last}`,
    noMore: 'No more users',
    caption: (first: string, last: string) => `Users ${first} to ${last}`,
    captionFiltered: (first: string, last: string) =>
      `Users ${first} to ${last}, matching your search`,
    columns: {
      name: 'Name',
      email: 'Email',
      role: 'Role',
      sites: 'Sites',
      status: 'Status',
      actions: 'Actions',
    },
    pages: 'Pages of users',
    page: (number: string) => `Page ${number}`,
    previousPage: 'Previous page',
    nextPage: 'Next page',
    you: ' (you)',
    suspendUser: 'Suspend user',
    suspendTitle: (name: string) => `Suspend ${name}?`,
    suspendYes: 'Yes',
    suspendNo: 'No',
    suspendBody:
      'Their access to the School Support Hub and the support sites is blocked at once. You can restore them later from their page.',
    search: {
      region: 'Users',
      label: 'Search',
      hint: 'The start of any word of a name or email address, such as “lov” for Ada Lovelace',
      button: 'Search',
      status: 'Status',
      role: 'Role',
      site: 'Site',
      all: 'All',
      /** The email filter (`email=problem`): users whose emails are not arriving. */
      email: 'Emails',
      emailProblem: 'Not arriving',
    },
    /** Beside an address in the list, when its emails are not arriving (emailStatus). */
    emailProblem: {
      bouncing: 'Emails bouncing',
      complained: 'Marked as spam',
      failed: 'Last email not sent',
    },
  },

  /** My Centre › Add new users. */
  addUsers: {
    title: 'Add new users',
    user: (number: string) => `User ${number}`,
    problemIn: (user: string, message: string) => `${user}: ${message}`,
    name: 'Name',
    email: 'Email',
    adminRights: 'Admin rights',
    supportSites: 'Support sites',
    remove: 'Remove',
    add: 'Add',
    finish: 'Finish',
    cancel: 'Cancel',
    adding: 'Adding users…',
    intro:
      'Enter each user’s name and email address. Tick Admin rights for a School Coordinator, and tick the support sites each user may use. Each user is emailed an invitation with a temporary password.',
    rowsFull: (max: string) => `You have ${max} rows, the most that can be sent at once.`,
    rowsHint: (max: string) => `You can add up to ${max} users at a time.`,
    problemTitle: 'There is a problem',
    notAddedTitle: { one: 'A user could not be added', other: 'Some users could not be added' },
    tryAgain: 'Select Finish to try again. Nobody will be added twice.',
    added: {
      one: '{count} user added. They have been emailed an invitation.',
      other: '{count} users added. Each has been emailed an invitation.',
    },
    backToUsers: 'Back to Users',
    addMore: 'Add more users',
    addedRow: 'Added:',
    addedWith: (role: string, sites: string) =>
      `, ${role} with ${sites}. An invitation has been emailed.`,
    noSupportSites: 'no support sites',
    errors: {
      nameMissing: 'Enter a name.',
      nameTooLong: 'The name must be 100 characters or fewer.',
      nameCharacters: 'The name must not contain the characters < or >.',
      emailMissing: 'Enter an email address.',
      emailTooLong: 'The email address must be 254 characters or fewer.',
      emailFormat: 'Enter an email address in the correct format, like name@school.org.',
      sites: 'Choose only the support sites listed.',
      duplicate: (user: string) =>
        `This email address is already given for ${user}. Each user needs their own email address.`,
      field: { name: 'The name', email: 'The email address', sites: 'The sites', row: 'This row' },
      fieldMessage: (label: string, message: string) => `${label} ${message}.`,
    },
  },
};
