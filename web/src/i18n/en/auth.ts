/** Sign in, forgotten password and new-password pages. */
export const auth = {
  /** The frame of the pages before signing in. */
  owner: 'Cambridge International Education',
  backToSignIn: 'Back to sign in',
  email: 'Email',
  enterYourEmail: 'Enter your email address',
  emailFormat: 'Enter an email address in the correct format, like name@example.com',
  /** What an API refusal of the email field is about: "The email address must …". */
  emailSubject: 'The email address',
  /** A field's problems, said of its subject: "The new password must … and …." */
  fieldProblems: (subject: string, problems: string) => `${subject} ${problems}.`,
  signIn: {
    title: 'Sign in',
    password: 'Password',
    enterYourPassword: 'Enter your password',
    submit: 'Sign in',
    forgottenPassword: 'Forgotten password',
    challengeExpired:
      'Choosing your password took too long. Sign in again with the temporary password from your invitation email.',
    passwordReset: 'Your password has been changed. Sign in with your new password.',
    /** Why the user is at the sign-in page, when it was not their own choice to come. */
    ended: {
      'signed-out': 'You have signed out.',
      ended:
        'You have been signed out. Sign in again. If your account has been suspended, contact your School Coordinator.',
    },
  },
  forgotten: {
    title: 'Forgotten password',
    intro:
      'Enter the email address you sign in with. We will email you a code to choose a new password.',
    submit: 'Send code',
    unknownEmailHeading: 'If you do not know your email address',
    unknownEmail:
      'Ask your School Coordinator to reset your password. If you are the coordinator, contact our customer service team.',
  },
  reset: {
    title: 'Reset your password',
    /** `{signIn}` is the link `codeSentSignIn`, to the sign-in page. */
    codeSent:
      'If an account uses this email address, we have sent it a code. It can take a few minutes to arrive. If you have never signed in, we have sent a new invitation with a temporary password instead: {signIn} with that.',
    codeSentSignIn: 'sign in',
    code: 'Verification code',
    codeHint: 'The code is in the email we sent you.',
    enterCode: 'Enter the verification code from the email',
    codeDigits: 'Enter the verification code from the email, using only its digits',
    codeSubject: 'The verification code',
    submit: 'Save new password',
    newCode: 'Send a new code',
  },
  /** Two-step sign-in: the code from an authenticator app, and setting an app up. */
  authenticator: {
    codeTitle: 'Enter your security code',
    /** `{email}` is the email address, shown in bold. */
    codeIntro:
      'Open the authenticator app on your phone and enter the 6-digit code it shows for {email}.',
    code: 'Security code',
    codeHint: 'The code changes every 30 seconds.',
    enterCode: 'Enter the 6-digit code from your authenticator app',
    codeDigits: 'Enter the 6-digit code from your authenticator app, using only its digits',
    codeSubject: 'The security code',
    wrongCode:
      'That code did not work. Enter the code your app shows now; if it still does not work, check the time on your phone is set automatically.',
    codeSubmit: 'Continue',
    codeExpired:
      'That code did not work, or took too long to enter. Sign in again, then enter the code your app shows.',
    setupTitle: 'Set up two-step sign-in',
    setupIntro:
      'Customer Services accounts can reach every centre, so signing in takes two steps: your password, then a code from an authenticator app on your phone.',
    setupStepApp: 'Install an authenticator app on your phone, if you do not have one.',
    setupStepKey:
      'In the app, add an account by entering the setup key below (or open the link on this device).',
    setupStepCode: 'Enter the 6-digit code the app then shows.',
    secretLabel: 'Setup key',
    secretHint: 'Type it into your app exactly as shown; the spaces do not matter.',
    openInApp: 'Open in your authenticator app',
    setupSubmit: 'Turn on two-step sign-in',
    setupExpired: 'Setting up took too long. Sign in again to start over.',
  },
  /** The first sign-in's second step. */
  firstPassword: {
    title: 'Choose a new password',
    /** `{email}` is the email address, shown in bold. */
    intro:
      'This is your first time signing in as {email}. Choose a password of your own to use from now on instead of the temporary one we emailed you.',
    submit: 'Save new password',
  },
  newPassword: {
    label: 'New password',
    confirmLabel: 'Confirm new password',
    subject: 'The new password',
    rulesIntro: 'Your password must have:',
    /** The rules as the form lists them before the user types. */
    rules: {
      minLength: (count: string) => `at least ${count} characters`,
      lowercase: 'a lowercase letter',
      uppercase: 'an uppercase letter',
      digit: 'a digit (0 to 9)',
      symbol: 'a symbol, such as ! or %',
    },
    /** The rules a typed password breaks, joined into "The new password must …, … and …." */
    broken: {
      minLength: (count: string) => `must be at least ${count} characters`,
      lowercase: 'must contain a lowercase letter',
      uppercase: 'must contain an uppercase letter',
      digit: 'must contain a digit',
      symbol: 'must contain a symbol',
    },
    enterNew: 'Enter a new password',
    enterAgain: 'Enter your new password again',
    noMatch: 'The passwords do not match. Type the same password twice.',
  },
};
