// Allure 3 report settings: group by provider > profile > behaviour id (labels set by suites/run-profile.ts).
export default {
  name: 'cni-conformance',
  plugins: {
    awesome: {
      options: {
        reportName: 'cni-conformance',
        groupBy: ['provider', 'profile', 'behaviour'],
        stepTreeExpansion: 'expanded',
      },
    },
  },
};
