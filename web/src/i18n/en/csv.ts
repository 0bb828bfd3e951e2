/** Import from CSV (Add new users) and Export (Users). */
export const csv = {
  importLink: 'Import from CSV',
  importLinkHint: 'Add up to 1,000 users from a spreadsheet saved as CSV.',

  title: 'Import from CSV',
  backToAdd: 'Back to Add new users',
  backToUsers: 'Back to Users',

  help: {
    intro:
      'Add many users at once from a spreadsheet saved as a CSV file (comma-separated values, UTF-8). Each user is emailed an invitation with a temporary password.',
    formatTitle: 'What the file must contain',
    header:
      'The first line names the columns: name, email, admin and sites. They may be in any order. Other columns, such as status in a file from Export, are ignored.',
    name: 'name: the user’s full name.',
    email: 'email: an email address that only this user uses.',
    admin:
      'admin: yes for a School Coordinator with admin rights, no (or empty) for a teacher. True and false are read too, in any letter case.',
    sites: (names: string) =>
      `sites: the support sites the user may use, separated by semicolons, for example primary;lower-secondary (the sites’ names, such as Cambridge Primary, are read too). Leave it empty for none. Your centre’s sites: ${names}.`,
    noSites: 'sites: leave it empty. Your centre has no support sites.',
    limits: (rows: string, size: string) =>
      `At most ${rows} users in one file, and at most ${size} MB.`,
    example: 'Example',
    exampleCaption: 'An example file, three lines',
    rerun:
      'Importing the same file again adds nobody twice: users already added are reported as already existing.',
  },

  chooseTitle: 'Choose the file',
  fileLabel: 'CSV file',
  fileHint: 'A .csv file of at most 1,000 users.',
  reading: 'Reading the file',

  file: {
    refusedTitle: 'This file cannot be imported',
    notCsv: (name: string) =>
      `${name} is not a CSV file. Save the spreadsheet as CSV (comma-separated values) and choose that file.`,
    empty: 'The file is empty.',
    binary: 'The file is not a text file. Save the spreadsheet as CSV (comma-separated values).',
    notUtf8: 'The file is not in UTF-8. Save it as “CSV UTF-8 (comma-separated)”.',
    tooBig: (megabytes: string) => `The file is larger than ${megabytes} MB.`,
    noRows: 'The file has a header line but no users below it.',
    tooManyRows: (count: string, max: string) =>
      `The file has ${count} users; at most ${max} can be imported at once. Split it into smaller files.`,
    missingColumns: (missing: string) =>
      `The first line must name the columns name, email, admin and sites. Missing: ${missing}.`,
    repeatedColumn: (column: string) => `The column ${column} is named twice in the first line.`,
    syntax: {
      unclosedQuote: (line: string) =>
        `The file cannot be read: a quoted value that starts on line ${line} is never closed.`,
      quoteInField: (line: string) =>
        `The file cannot be read: line ${line} has a quote inside a value that is not in quotes.`,
      textAfterQuote: (line: string) =>
        `The file cannot be read: line ${line} has text after the closing quote of a value.`,
    },
    unreadable: 'The file could not be read. Choose it again.',
  },

  row: {
    fieldCount: (count: string, header: string) =>
      `This line has ${count} values; the first line has ${header}.`,
    nameMissing: 'Enter a name.',
    nameTooLong: 'The name must be 100 characters or fewer.',
    nameCharacters: 'The name must not contain the characters < or > or line breaks.',
    emailMissing: 'Enter an email address.',
    emailTooLong: 'The email address must be 254 characters or fewer.',
    emailFormat: (email: string) =>
      `${email} is not an email address in the correct format, like name@school.org.`,
    admin: (value: string) => `admin must be yes or no, not ${value}.`,
    unknownSite: (word: string) =>
      `${word} is not a support site. Use primary, lower-secondary, upper-secondary or advanced.`,
    unknownSites: (words: string) =>
      `${words} are not support sites. Use primary, lower-secondary, upper-secondary or advanced.`,
    notEligible: (names: string) => `Your centre is not eligible for ${names}.`,
    duplicate: (line: string) =>
      `This email address is also on line ${line}. Each user needs their own email address.`,
    invalid: 'This row is not valid.',
  },

  preview: {
    title: 'Check the users',
    fileName: (name: string) => `File: ${name}`,
    ready: { one: '{count} user is ready to import.', other: '{count} users are ready to import.' },
    withProblems: {
      one: '{count} row has a problem and will not be imported. Correct it in the file and choose the file again, or import the other rows now.',
      other:
        '{count} rows have problems and will not be imported. Correct them in the file and choose the file again, or import the other rows now.',
    },
    noneReady: 'No row can be imported. Correct the file and choose it again.',
    onlyProblems: 'Show only rows with problems',
    caption: (name: string) => `The users in ${name}`,
    line: 'Line',
    name: 'Name',
    email: 'Email',
    admin: 'Admin rights',
    sites: 'Support sites',
    check: 'Check',
    readyMark: 'Ready',
    yes: 'Yes',
    no: 'No',
    none: 'None',
    importButton: { one: 'Import {count} user', other: 'Import {count} users' },
    chooseAnother: 'Choose another file',
  },

  progress: {
    title: 'Importing users',
    label: 'Users sent',
    value: (done: string, total: string) => `${done} of ${total} users sent`,
    stop: 'Stop',
    stopping: 'Stopping after the users being sent now…',
    leaveWarning: 'Stay on this page until the import ends.',
  },

  report: {
    title: 'Import report',
    created: {
      one: '{count} user added. They have been emailed an invitation.',
      other: '{count} users added. Each has been emailed an invitation.',
    },
    noneCreated: 'No user was added.',
    exists: { one: '{count} already exists.', other: '{count} already exist.' },
    failed: { one: '{count} could not be added.', other: '{count} could not be added.' },
    invalid: {
      one: '{count} row was not imported because of a problem in the file.',
      other: '{count} rows were not imported because of problems in the file.',
    },
    notSent: {
      one: '{count} user was not sent.',
      other: '{count} users were not sent.',
    },
    retry: { one: 'Send the user not sent', other: 'Send the {count} users not sent' },
    download: 'Download report',
    fileName: (centreId: string) => `import-report-${centreId}.csv`,
    another: 'Import another file',
    caption: 'What happened to each line of the file',
    result: 'Result',
    results: {
      created: 'Added',
      exists: 'Already exists',
      failed: 'Not added',
      invalid: 'Not imported',
      notSent: 'Not sent',
    },
    createdDetails: 'Invitation emailed',
    existsTaken: 'An account already uses this email address.',
    existsReplayed: 'Already added by an earlier import of this file.',
    notSentStopped: 'You stopped the import before this user was sent.',
    notSentLeft: 'The import stopped before this user was sent.',
    notSentBecause: (reason: string) =>
      `${reason} Some of these users may have been added already: send them again, or import the file again, to find out. Nobody is added twice.`,
    csvHeader: {
      line: 'line',
      name: 'name',
      email: 'email',
      result: 'result',
      details: 'details',
    },
  },

  export: {
    button: 'Export',
    buttonHint: 'Download the users shown, with the search and filters applied, as a CSV file.',
    label: 'Exporting users',
    value: (count: string) => `${count} users read`,
    done: { one: '{count} user exported to {file}.', other: '{count} users exported to {file}.' },
    failed: (reason: string) => `The export stopped: ${reason}`,
    fileName: (centreId: string, date: string) => `users-${centreId}-${date}.csv`,
  },
};
