/** Words used on every page: the frame, menus, states and shared controls. */
export const common = {
  locale: 'en-GB',
  siteName: 'School Support Hub',
  skipToMain: 'Skip to main content',
  loadingPage: 'Loading the page',
  ok: 'Ok',
  yes: 'Yes',
  cancel: 'Cancel',
  close: 'Close',
  saveChanges: 'Save changes',
  previous: 'Previous',
  next: 'Next',
  sites: {
    primary: 'Primary',
    'lower-secondary': 'Lower Secondary',
    'upper-secondary': 'Upper Secondary',
    advanced: 'Advanced',
  },
};
