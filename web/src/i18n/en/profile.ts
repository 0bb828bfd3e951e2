/**
 * The user's own profile and login details (the guide's "Editing your profile" and
 * "Changing your log in details"), and people's pictures wherever they are shown.
 */
export const profile = {
  title: 'Your profile',
  loading: 'Loading your profile',

  account: {
    heading: 'Your account',
    name: 'Name',
    email: 'Email',
    centre: 'Centre',
    adminRights: 'Admin rights',
    adminYes: 'Yes, School Coordinator',
    adminNo: 'No',
    customerServices: 'Customer services',
    sites: 'Sites',
    noSites: 'No support sites',
    // The guide's own sentence.
    accessNote:
      'If you need to change your access rights to Cambridge support sites you will need to contact your School Coordinator.',
  },

  details: {
    heading: 'Your details',
    intro: 'Change your name or the email address you sign in with.',
    name: 'Name',
    email: 'Email',
    currentPassword: 'Current password',
    currentPasswordHint: 'To change your email address, enter the password you sign in with.',
    save: 'Save changes',
    enterName: 'Enter your name',
    nameInvalid: (reason: string) => `Your name ${reason}.`,
    enterEmail: 'Enter your email address',
    emailFormat: 'Enter an email address in the correct format, like name@school.org',
    enterCurrentPassword: 'Enter your current password',
    nothingToSave: 'There are no changes to save.',
    nameSaved: (name: string) => `Your name has been saved: ${name}.`,
    /** After the name was saved and the email change then refused. */
    nameSavedEmailRefused: 'Your name has been saved, but your email address has not changed.',
  },

  pendingEmail: {
    heading: 'Confirm your new email address',
    sent: (pending: string) => `We have emailed a 6-digit code to ${pending}.`,
    waiting: (pending: string, current: string) =>
      `Your new email address, ${pending}, needs confirming. Until you enter the code we emailed to it, your email address stays ${current}, and you sign in with it.`,
    code: 'Verification code',
    codeHint: 'The 6 digits from the email, for example 123456.',
    confirm: 'Confirm email address',
    enterCode: 'Enter the code from the email',
    codeFormat: 'Enter the 6 digits from the email',
    wrongCode: 'The code is not right or has expired. Check the email, or send a new code.',
    tooManyCodes: 'Too many wrong codes. Send a new code and try again.',
    confirmed: (email: string) =>
      `Your email address has been changed to ${email}. Use it to sign in from now on.`,
    resendHeading: 'Did not get the code?',
    resendIntro:
      'Check the address above and your junk folder. We can send a new code; the old one will stop working.',
    resend: 'Send a new code',
    resendPassword: 'Current password',
    resendPasswordHint: 'For your security, enter your password again to send a new code.',
    resent: (pending: string) => `We have emailed a new code to ${pending}.`,
    cancel: 'Keep my current email address',
    cancelled: (current: string) => `Your email address has not changed. It is still ${current}.`,
  },

  picture: {
    heading: 'Profile picture',
    intro: 'Your picture is shown to you and to your School Coordinator.',
    current: 'Your picture',
    none: 'You have no picture. Your initials are shown instead.',
    choose: 'Choose a picture',
    chooseHint: (maxSize: string) => `A PNG, JPEG or WebP image, ${maxSize} or smaller.`,
    preview: 'Preview of your new picture',
    notSaved: 'Not saved yet',
    save: 'Save picture',
    cancel: 'Cancel',
    remove: 'Remove picture',
    saved: 'Your picture has been saved.',
    removed: 'Your picture has been removed. Your initials are shown instead.',
    chooseFirst: 'Choose a picture file',
    wrongType: (fileName: string) =>
      `${fileName} is not a PNG, JPEG or WebP image. Choose a picture in one of these formats.`,
    tooLarge: (fileName: string, size: string, maxSize: string) =>
      `${fileName} is ${size}. Choose a picture of ${maxSize} or smaller.`,
    unreadable: (fileName: string) =>
      `${fileName} cannot be read as a picture. It may be damaged; choose another file.`,
    refused:
      'The picture was not accepted. It must be a PNG, JPEG or WebP image, no more than 8192 pixels wide or high, and not damaged.',
    refusedTooLarge: (maxSize: string) =>
      `The picture was not accepted: it is larger than ${maxSize}.`,
  },

  password: {
    heading: 'Password',
    intro: 'Change the password you sign in with.',
    reset: 'Reset password',
    currentPassword: 'Current password',
    save: 'Save new password',
    cancel: 'Cancel',
    enterCurrentPassword: 'Enter your current password',
    wrongCurrentPassword: 'The current password is not right.',
    changed:
      'Your password has been changed. You have been signed out everywhere else you were signed in; you are still signed in here.',
  },

  avatar: {
    pictureOf: (name: string) => `Picture of ${name}`,
  },

  /** A file size in words: `formatNumber` has already formatted the number. */
  sizes: {
    kilobytes: (count: string) => `${count} KB`,
    megabytes: (count: string) => `${count} MB`,
  },
  /** Two-step sign-in: an authenticator app's code after the password. */
  twoStep: {
    heading: 'Two-step sign-in',
    on: 'Two-step sign-in is on: after your password, you enter a code from your authenticator app.',
    off: 'Two-step sign-in is off. Turn it on so that your password alone is not enough to sign in as you.',
    required: 'Customer Services accounts always use two-step sign-in.',
    turnOn: 'Turn on two-step sign-in',
    turnOff: 'Turn off two-step sign-in',
    setupIntro:
      'Add an account to the authenticator app on your phone with the setup key below (or open the link on this device), then enter the 6-digit code it shows.',
    confirm: 'Turn on',
    cancel: 'Cancel',
    turnedOn: 'Two-step sign-in is on. You will be asked for a code each time you sign in.',
    turnedOff: 'Two-step sign-in is off.',
    currentPassword: 'Current password',
    enterCurrentPassword: 'Enter your current password',
    wrongCurrentPassword: 'The current password is not right',
  },
};
