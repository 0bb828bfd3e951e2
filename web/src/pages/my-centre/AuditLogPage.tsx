// Placeholder: being written now (issue 9).
export default function AuditLogPage() {
  return <h1>AuditLog</h1>;
}
