/** My Centre: a user's page (details, password, suspend, restore, delete) and the audit log. */
export const userPage = {
  loading: 'Loading the user',
  /** The page's title when the user could not be read. */
  errorTitle: 'User',
  notFound: {
    title: 'User not found',
    body: 'There is no such user at this centre. They may have been deleted, or the link may be mistyped.',
  },
  backToUsers: 'Back to Users',
  /** What was just done, announced at the top of the page. */
  notices: {
    twoStepReset: (name: string) =>
      `Two-step sign-in is off for ${name}. They sign in with their password alone until they set up an app again from their profile.`,
    resetSent: (name: string) => `We have emailed ${name} a code to set a new password.`,
    invitationResent: (name: string) =>
      `We have emailed ${name} a new invitation with a new temporary password.`,
    suspended: (name: string) => `${name} has been suspended and can no longer sign in.`,
    restored: (name: string) => `${name} has been restored and can sign in again.`,
    saved: (name: string) => `The changes to ${name} have been saved.`,
    nothingToSave: 'There are no changes to save.',
  },
  /** The pop-up confirmations. */
  confirm: {
    twoStepTitle: (name: string) => `Turn off two-step sign-in for ${name}?`,
    twoStep: (name: string) =>
      `Do this only if ${name} has lost the phone with their authenticator app, and you are sure it is them asking. They will sign in with their password alone until they set up an app again.`,
    resetTitle: (name: string) => `Reset ${name}'s password?`,
    reset: (name: string, email: string) =>
      `We will email ${name} at ${email} a code to set a new password.`,
    resendTitle: (name: string) => `Resend the invitation to ${name}?`,
    resend: (name: string, email: string) =>
      `We will email ${name} at ${email} a new invitation. The temporary password in the earlier invitation will stop working.`,
    suspendTitle: (name: string) => `Suspend ${name}?`,
    suspend: (name: string) =>
      `${name} will not be able to sign in to the School Support Hub or its support sites until you restore them.`,
    restoreTitle: (name: string) => `Restore ${name}?`,
    restore: (name: string) => `${name} will be able to sign in again with their current password.`,
    deleteTitle: (name: string) => `Delete ${name}?`,
    delete: (name: string) =>
      `${name}'s account will be removed from the School Support Hub and its support sites. This cannot be undone.`,
  },
  details: {
    heading: 'Details',
    name: 'Name',
    nameHint: 'Please note that only the user can change their name.',
    status: 'Status',
    email: 'Email',
    enterEmail: 'Enter an email address',
    emailFormat: 'Enter an email address in the correct format, like name@school.org',
    access: 'Access',
    adminRights: 'Admin rights',
    ownAdminRights: 'You cannot remove your own admin rights.',
    /** The API's refusal of a field, said of the field. */
    emailProblem: (problem: string) => `Email ${problem}`,
    sitesProblem: (problem: string) => `Sites: ${problem}`,
    otherProblem: (field: string, problem: string) => `${field}: ${problem}`,
  },
  /** Why emails to the user's address are not arriving (emailStatus), at the top of the page. */
  emailProblem: {
    bouncing: (name: string, email: string) =>
      `Emails to ${email} are bouncing: check the address with ${name}, then change it under Details.`,
    complained: (name: string, email: string) =>
      `${name} marked an email from the School Support Hub as spam, so emails to ${email} may not arrive: check with ${name} that they want them.`,
    failed: (name: string, email: string) =>
      `The last email to ${email} could not be sent: check the address with ${name}.`,
    since: (date: string) => `Recorded on ${date}.`,
  },
  invitation: {
    heading: 'Invitation',
    body: (name: string) =>
      `${name} has not signed in yet. Resend the invitation if it was lost or its temporary password has expired.`,
    resend: 'Resend invitation',
  },
  twoStep: {
    turnOff: 'Turn off two-step sign-in',
    hint: 'For a user who has lost their authenticator app.',
  },
  password: {
    heading: 'Password',
    body: (name: string) =>
      `If ${name} has forgotten their password, we can email them a code to set a new one.`,
    reset: 'Reset password',
  },
  removal: {
    suspendHeading: 'Suspend',
    restoreOrDeleteHeading: 'Restore or delete',
    self: 'You cannot suspend or delete your own account.',
    suspended: (name: string) =>
      `${name} is suspended and cannot sign in. Restore them to let them back in, or delete them for good.`,
    suspendBody: (name: string) =>
      `Suspending ${name} blocks their access to the School Support Hub and its support sites at once. You can restore them later. A user must be suspended before they can be deleted.`,
    suspend: 'Suspend',
    restore: 'Restore',
    delete: 'Delete',
  },
  progressionData: {
    counting: 'Counting Progression Test data',
    heading: 'Progression Test data',
    total: 'Total',
    results: { one: '{count} result', other: '{count} results' },
    /** "Cambridge Primary: 3" */
    siteCount: (site: string, count: string) => `${site}: ${count}`,
    none: (name: string) => `${name} holds no Progression Test data, so they can be deleted.`,
    /** `{transfer}` is the link `transferLink`, to the transfer section. */
    mustTransfer: (name: string) =>
      `${name}'s Progression Test data must be transferred to another teacher before ${name} can be deleted. {transfer}`,
    transferLink: 'Transfer data',
    /** A refused deletion; `{transfer}` is the link `refusedTransferLink`. */
    refused: (name: string, results: string, primary: string, lowerSecondary: string) =>
      `${name} cannot be deleted: they hold ${results} of Progression Test data (${primary}, ${lowerSecondary}). {transfer} to another teacher first.`,
    refusedTransferLink: 'Transfer the data',
  },
  transfer: {
    heading: 'Transfer data',
    where: (name: string) =>
      `${name}'s results are moved to another teacher on the support site that holds them. The teacher who receives the data must be active and have access to the same site.`,
    /** The link to the teacher's page on a support site: "Transfer data on Cambridge Primary". */
    onSite: (site: string) => `Transfer data on ${site}`,
    comeBack: (name: string) =>
      `When ${name} holds no more data, come back to this page to delete them.`,
  },
  deletion: {
    runningTitle: (name: string) => `Deleting ${name}`,
    succeededTitle: (name: string) => `${name} has been deleted`,
    failedTitle: (name: string) => `${name} was not deleted`,
    heading: 'Delete',
    progress: (name: string) => `Deleting ${name}`,
    running: (name: string) =>
      `Deleting ${name}… This usually takes a few seconds. You can stay on this page.`,
    succeeded: (name: string) => `${name} has been deleted.`,
    needsTransfer: (name: string) =>
      `${name} holds Progression Test data, so they were not deleted. Transfer the data to another teacher first.`,
    failed: (name: string) =>
      `The deletion could not finish. ${name} is still suspended; try again from their page.`,
    /** `reason` is the workflow's own sentence. */
    failedBecause: (name: string, reason: string) =>
      `The deletion could not finish: ${reason}. ${name} is still suspended; try again from their page.`,
  },
  audit: {
    title: 'Audit log',
    intro: 'Every change to the centre and its users, newest first.',
    loading: 'Loading the audit log',
    empty: 'Nothing has been recorded for this centre yet.',
    caption: (page: string) => `Audit log, page ${page}, newest first`,
    when: 'When',
    who: 'Who',
    what: 'What',
    user: 'User',
    changes: 'Changes',
    pages: 'Audit log pages',
    /** Who did what only customer services do, though no list of the centre names them. */
    customerServices: 'Customer services',
    /** The API's action codes in words; a code not listed is shown as it is. */
    actions: {
      'centre.created': 'Created the centre',
      'centre.updated': 'Changed the centre',
      'user.invited': 'Added a user and sent an invitation',
      'user.invitation_resent': 'Resent an invitation',
      'user.activated': 'Signed in for the first time',
      'user.edited': 'Edited a user',
      'user.suspended': 'Suspended a user',
      'user.restored': 'Restored a user',
      'user.deleted': 'Deleted a user',
      'user.password_reset_requested': 'Sent a code to set a new password',
      'user.password_reset': 'Set a new password with a code',
      'user.password_changed': 'Changed their password',
      'user.email_changed': 'Changed their email address',
      'user.profile_changed': 'Changed their profile',
      'user.picture_changed': 'Changed a profile picture',
      'user.picture_removed': 'Removed a profile picture',
      'user.signed_out': 'Signed out everywhere',
      'user.mfa_enabled': 'Turned on two-step sign-in',
      'user.mfa_disabled': 'Turned off two-step sign-in',
      'user.mfa_reset': 'Turned off two-step sign-in for a user',
      'user.site_access_removed': 'Removed site access (the centre is no longer eligible)',
      'data.transferred': 'Transferred Progression Test data',
      'operation.delete.started': 'Started deleting a user',
      'operation.delete.succeeded': 'Finished deleting a user',
      'operation.delete.failed': 'Could not delete a user',
      'operation.transfer.started': 'Started transferring Progression Test data',
      'operation.transfer.succeeded': 'Finished transferring Progression Test data',
      'operation.transfer.failed': 'Could not transfer Progression Test data',
      'operation.offboarding.started': 'Started removing a user',
      'operation.offboarding.succeeded': 'Finished removing a user',
      'operation.offboarding.needs_transfer':
        'Suspended a user whose Progression Test data must be transferred',
      'operation.offboarding.failed': 'Could not remove a user',
    },
    /** The changed fields' names; a field not listed is shown as it is. */
    fields: {
      name: 'name',
      email: 'email',
      isAdmin: 'admin rights',
      sites: 'sites',
      eligibleSites: 'eligible sites',
      status: 'status',
      picture: 'picture',
      centreId: 'centre number',
    },
    /** What else an entry carries: the receiving teacher, the count moved, why it failed. */
    to: 'to',
    resultsMoved: 'results moved',
    reason: 'reason',
    statuses: {
      invited: 'invited',
      active: 'active',
      suspended: 'suspended',
    },
    none: 'none',
    yes: 'yes',
    no: 'no',
    /** Between the items of a changed list: "Cambridge Primary, Cambridge Lower Secondary". */
    listSeparator: ', ',
    /** "email: a@x → b@x" */
    changed: (field: string, before: string, after: string) => `${field}: ${before} → ${after}`,
    /** "name: Ada Lovelace" */
    value: (field: string, value: string) => `${field}: ${value}`,
  },
};
