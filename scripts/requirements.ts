// Prints the Debian packages setup.sh must install, one line, space-separated (empty when
// nothing is missing), from the same list the netns preflight checks.
//   node scripts/requirements.ts missing [--test]   what this machine lacks
//   node scripts/requirements.ts all [--test]       every package the list names
import { missingPackages, packageFor, requirementsIn, thisRelease, type RequirementScope } from '../src/runtime/netns/requirements.ts';

const [mode, ...flags] = process.argv.slice(2);
const scopes: RequirementScope[] = flags.includes('--test') ? ['lab', 'test'] : ['lab'];
const release = thisRelease();
if (mode === 'missing') {
  console.log(missingPackages(scopes, release).join(' '));
} else if (mode === 'all') {
  console.log([...new Set(requirementsIn(scopes).map((r) => packageFor(r, release)))].join(' '));
} else {
  console.error('usage: node scripts/requirements.ts missing|all [--test]');
  process.exit(2);
}
